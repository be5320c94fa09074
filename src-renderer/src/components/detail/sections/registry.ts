// GenAI kind → the section the detail shows for it, between the GenAI facts and the attributes.
// A new kind's view is one new file plus one line here; a kind without an entry gets the
// conversation (system, input, output messages), which is what most kinds carry.
import type { ComponentType } from 'react';
import type { GenAiKind } from '../../../../../src-shared/contract';
import { ConversationSection } from './ConversationSection';
import { ToolSection } from './ToolSection';
import type { SectionProps } from './types';

const SECTIONS: Partial<Record<GenAiKind, ComponentType<SectionProps>>> = {
  tool: ToolSection,
};

export function sectionFor(kind: GenAiKind): ComponentType<SectionProps> {
  return (Object.hasOwn(SECTIONS, kind) ? SECTIONS[kind] : undefined) ?? ConversationSection;
}
