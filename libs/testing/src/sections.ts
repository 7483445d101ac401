// Config overrides as tests write them: `{ section: { key: value } }`, merged one level deep over the kit's defaults
// so a test that sets `network.advertise_host` keeps the kit's `network.host` and ports.
export type Sections = Record<string, Record<string, unknown>>;

export function mergeSections(...layers: (Sections | undefined)[]): Sections {
  const out: Sections = {};
  for (const layer of layers) {
    for (const [name, values] of Object.entries(layer ?? {})) out[name] = { ...out[name], ...values };
  }
  return out;
}
