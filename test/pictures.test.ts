/** graph (dot, mermaid, svg) and matrix (md, html, csv) from a policy. */
import { describe, expect, it } from 'vitest';
import { graphModel, renderDot, renderMermaid, renderSvg } from '../compiler/emit/graph.js';
import { buildMatrix, renderMatrixCsv, renderMatrixHtml, renderMatrixMarkdown } from '../compiler/emit/matrix.js';
import { compileVirtual } from './harness.js';

const r = compileVirtual(`
role no_role @0 { }
role banned @1 { active 0..0 }
role member @2 { grant canSendMessage canRemoveSelf  changes { member -> none } }
role mod @3 extends member {
  grant canBan
  changes { member -> banned  banned -> member }
}
`);

describe('graph', () => {
  const g = graphModel(r.policy, [{ from: 2, to: 1 }]);
  it('labels each edge with the capability and the holders that can use it', () => {
    expect(g.edges.find((e) => e.from === 2 && e.to === 0)!.uses).toEqual([
      { holder: 'member', capability: 'canRemoveSelf' },
    ]);
    expect(g.edges.find((e) => e.from === 2 && e.to === 1)!.uses).toEqual([{ holder: 'mod', capability: 'canBan' }]);
  });
  it('marks entries no holder can use as dead (mod lists banned -> member but holds neither canUnBan nor canChangeUserRole)', () => {
    expect(g.edges.find((e) => e.from === 1 && e.to === 2)).toMatchObject({ dead: true, uses: [] });
  });
  it('highlights the given path', () => {
    expect(g.edges.filter((e) => e.highlighted).map((e) => [e.from, e.to])).toEqual([[2, 1]]);
    expect(renderDot(g)).toContain('r2 -> r1 [label="Ban: mod", color="#c0392b", penwidth=2.5, fontcolor="#c0392b"];');
    expect(renderDot(g)).toContain('r1 -> r2 [label="unused", style=dashed');
    expect(renderMermaid(g)).toMatch(/r1 -\.->\|"unused"\| r2/);
  });
  it('renders SVG in-process', async () => {
    const svg = await renderSvg(g, 'test');
    expect(svg).toMatch(/<svg[\s\S]*member[\s\S]*<\/svg>/);
  });
});

describe('matrix', () => {
  const m = buildMatrix(r.policy, r.provenance);
  it('marks direct and inherited grants, grouped by category', () => {
    expect(m.categories.map((c) => c.name)).toEqual(['membership', 'message']);
    expect(m.cells.get(3)!.get(0x0100)).toBe('inherited');
    expect(m.cells.get(3)!.get(0x000a)).toBe('direct');
    expect(renderMatrixMarkdown(m)).toContain('| mod (3) | ○ | ● |');
  });
  it('csv and html', () => {
    expect(renderMatrixCsv(m).split('\n')[0]).toBe('role,index,membership:canRemoveSelf,membership:canBan,message:canSendMessage');
    expect(renderMatrixCsv(m)).toContain('mod,3,inherited,direct,inherited');
    expect(renderMatrixHtml(m)).toMatch(/^<!doctype html>/);
  });
});
