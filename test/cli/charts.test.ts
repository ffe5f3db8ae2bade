/**
 * The SVG line chart's legend sits in the corner of the plot that hides the fewest data points
 * (a point under the legend is a point the reader cannot see).
 */
import { describe, expect, it } from 'vitest';
import { lineChartSvg, type LineChart } from '../../cli/figures/charts.js';

function chart(points: [number, number][]): LineChart {
  return {
    title: 't', subtitle: 's', xLabel: 'x', yLabel: 'y [%]',
    x: { lo: 0, hi: 1 }, y: { lo: 0, hi: 1 },
    series: [{ name: 'accuracy', points: points.map(([x, y]) => ({ x, y })) }],
  };
}
/** The legend box: the white rectangle with a grey stroke. */
function legendBox(svg: string): { x: number; y: number } {
  const m = /<rect x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="[\d.]+" fill="white" fill-opacity="0.85"/.exec(svg);
  expect(m, 'a legend box').not.toBeNull();
  return { x: Number(m![1]), y: Number(m![2]) };
}

describe('lineChartSvg legend', () => {
  it('stays top left when the data leave it free', () => {
    const a = legendBox(lineChartSvg(chart([[0, 0], [0.5, 0.2], [1, 0.5]])));
    const b = legendBox(lineChartSvg(chart([[0.05, 0.95], [0.5, 0.2], [1, 0.5]])));
    expect(a.x).toBeLessThan(b.x); // b moved right: its first point is in the top-left corner
    expect(a.y).toBe(b.y); // both at the top
  });

  it('moves to a bottom corner when both top corners hold points', () => {
    const top = legendBox(lineChartSvg(chart([[0, 0], [1, 0]])));
    const bottom = legendBox(lineChartSvg(chart([[0.05, 0.95], [0.5, 0.5], [0.95, 0.95]])));
    expect(bottom.y).toBeGreaterThan(top.y);
  });
});
