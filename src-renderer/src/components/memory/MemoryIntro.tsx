// The Memory page with no collection yet: what a collection is, and how an agent (or a script)
// writes to one and recalls from it, with this server's own address in the commands.
import { cliRememberExample, curlRecallExample, curlRememberExample } from '../../lib/memory/format';
import { apiOrigin } from '../../lib/memory/origin';

const NAME = 'notes';
const TEXT = 'The hotel API times out under load; retry once after 1 s.';

export function MemoryIntro() {
  const origin = apiOrigin(location);
  return (
    <div className="memory-intro" data-testid="memory-empty">
      <h2>No collections yet</h2>
      <p>
        A <strong>collection</strong> is a named set of short texts that you or your agents write (what was learned, decisions,
        user preferences) and recall later <strong>by meaning</strong>: recall returns the closest texts with a score, even when
        they use other words than the question. Runs need no collection: what agents said and did is searched from the box at
        the top.
      </p>
      <p className="muted">Write one from a shell, with the CLI:</p>
      <pre className="code" data-testid="memory-cli-example">
        {cliRememberExample(NAME, TEXT)}
      </pre>
      <p className="muted">or from any agent, over the REST API:</p>
      <pre className="code" data-testid="memory-curl-example">
        {curlRememberExample(origin, NAME, TEXT)}
      </pre>
      <p className="muted">and recall from it:</p>
      <pre className="code">{curlRecallExample(origin, NAME, 'what goes wrong with hotels?')}</pre>
    </div>
  );
}
