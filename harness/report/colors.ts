// One colour per implementation, the same in every chart of a report: the n-th name in sorted order gets the n-th
// colour, so a colour never depends on which rows a chart happens to show or on their speed.

/** Tableau-style categorical colours, chosen to stay distinguishable on white. */
export const PALETTE = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
  '#bcbd22', '#17becf', '#393b79', '#ad494a', '#637939', '#843c39', '#7b4173', '#3182bd',
] as const;

export type ColorMap = ReadonlyMap<string, string>;

export function colorMap(names: Iterable<string>): ColorMap {
  const sorted = [...new Set(names)].sort();
  return new Map(sorted.map((name, i) => [name, PALETTE[i % PALETTE.length]!]));
}

export function colorOf(colors: ColorMap, name: string): string {
  return colors.get(name) ?? '#000000';
}
