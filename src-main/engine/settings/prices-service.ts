/**
 * The settings page's prices: your list beside the shipped table, saved to `prices.json` in the data
 * directory. Costs are worked out as spans are stored, by the store and its decode workers, with
 * the prices the run started with; a saved change therefore applies from the next start, and the
 * view says so until then.
 */
import { checkPriceList, samePrices, type PriceList, type PricesView } from '../../../src-shared/prices';
import { SHIPPED_PRICES } from '../genai/prices';
import { readDataDirPriceOverrides, removePriceOverrides, writePriceOverrides } from '../genai/price-overrides-file';

export class PricesService {
  private saved: PriceList;

  /**
   * `running`: the list this run prices with. `overridden`: a flag chose it, so the file's list
   * (read here, and kept if unreadable so nothing is lost) waits for a run without the flag.
   */
  constructor(
    private readonly file: string,
    private readonly running: PriceList,
    private readonly overridden: boolean,
    log: (line: string) => void,
  ) {
    if (!overridden) {
      this.saved = running;
      return;
    }
    try {
      this.saved = readDataDirPriceOverrides(file) ?? {};
    } catch (err) {
      log(`prices: ${(err as Error).message}; the flag's prices are used for this run`);
      this.saved = {};
    }
  }

  view(): PricesView {
    return {
      shipped: { date: SHIPPED_PRICES.date, source: SHIPPED_PRICES.source, models: SHIPPED_PRICES.models },
      yours: structuredClone(this.saved),
      restartNeeded: !this.overridden && !samePrices(this.saved, this.running),
      overridden: this.overridden,
    };
  }

  /** Replaces your list with this one; SettingsError names each wrong model and nothing is saved. */
  update(list: unknown): PricesView {
    const checked = checkPriceList(list);
    if (Object.keys(checked).length === 0) removePriceOverrides(this.file);
    else writePriceOverrides(this.file, checked);
    this.saved = checked;
    return this.view();
  }

  /** Back to the shipped table alone. */
  reset(): PricesView {
    return this.update({});
  }
}
