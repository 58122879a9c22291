// 责任清单检索: the page's logic. No framework, no build step, no CDN.
// The state lives in the URL (?q=…&bureau=…&section=…&mode=… or
// ?view=compare&text=… or &matter=…) so every result can be linked and reloaded.
'use strict';

(() => {
  const SECTION_LABELS = {
    duties: '部门职责',
    boundary: '职责边界',
    public_service: '公共服务',
    supervision: '事中事后监管',
    accountability: '责任追究',
  };
  const MODE_LABELS = { bm25: '关键词', semantic: '语义', hybrid: '综合' };

  const $ = (selector) => document.querySelector(selector);

  /** Builds an element: h('a', {href: '/x', class: 'c'}, 'text', child …). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  /** GET a JSON endpoint; a non-2xx answer throws its bilingual `error`. */
  async function api(path) {
    let response;
    try {
      response = await fetch(path, { headers: { Accept: 'application/json' } });
    } catch (e) {
      throw new Error('无法连接服务器，请检查网络后重试');
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (!response.ok) {
      throw new Error(body && body.error ? body.error : `请求失败（HTTP ${response.status}）`);
    }
    return body;
  }

  /** `file:line` or `file:start-end`. */
  /** A place in an original document, as the library's `Place` prints it. */
  function placeText(place) {
    const parts = [];
    if (place.page) parts.push(`第${place.page}页`);
    if (place.sheet) parts.push(`工作表「${place.sheet}」`);
    if (place.table) parts.push(`表${place.table}`);
    if (place.row) parts.push(`第${place.row}行`);
    if (place.paragraph) parts.push(`第${place.paragraph}段`);
    return parts.join(' ');
  }

  /** Text exports are cited by line, originals (Word, PDF …) by page, table and row. */
  function citation(file, start, end, place) {
    if (place) return `${file} ${placeText(place)}`;
    return start === end || end === undefined ? `${file}:${start}` : `${file}:${start}-${end}`;
  }

  /** A citation that opens the record (a plain link to the JSON without script). */
  function citeLink(id, file, start, end, place) {
    return h('a', {
      class: 'cite',
      href: `/api/records/${encodeURIComponent(id)}`,
      dataset: { id },
      title: '查看清单原文',
    }, citation(file, start, end, place));
  }

  /**
   * A snippet is plain text with the matched ranges (in characters, i.e.
   * code points): text nodes and <mark>s, no HTML parsing at all.
   */
  function snippetNodes(snippet) {
    const chars = Array.from(snippet.text || '');
    const out = [];
    let at = 0;
    for (const [start, end] of snippet.highlights || []) {
      if (start < at || end > chars.length) continue;
      if (start > at) out.push(document.createTextNode(chars.slice(at, start).join('')));
      out.push(h('mark', {}, chars.slice(start, end).join('')));
      at = end;
    }
    if (at < chars.length) out.push(document.createTextNode(chars.slice(at).join('')));
    return out;
  }

  function sectionLabel(id) {
    return SECTION_LABELS[id] || id;
  }

  function setStatus(el, text, isError) {
    el.textContent = text || '';
    el.classList.toggle('error', Boolean(isError));
  }

  // ---------------------------------------------------------------- search

  const form = $('#search-form');
  const input = $('#q');
  const status = $('#status');
  const results = $('#results');
  const answerCard = $('#answer');
  let searchSeq = 0;

  function searchParamsFromForm() {
    const params = new URLSearchParams();
    params.set('q', input.value);
    for (const name of ['bureau', 'section', 'mode']) {
      const value = $(`#${name}`).value;
      if (value && !(name === 'mode' && value === 'hybrid')) params.set(name, value);
    }
    return params;
  }

  function fillForm(params) {
    input.value = params.get('q') || '';
    for (const name of ['bureau', 'section', 'mode']) {
      const select = $(`#${name}`);
      const value = params.get(name) || (name === 'mode' ? 'hybrid' : '');
      if (value && ![...select.options].some((o) => o.value === value)) {
        select.append(h('option', { value }, value));
      }
      select.value = value;
    }
  }

  function clearResults() {
    results.replaceChildren();
    answerCard.replaceChildren();
    answerCard.hidden = true;
    $('#results-title').hidden = true;
    $('#warnings').hidden = true;
  }

  async function runSearch(params) {
    const seq = ++searchSeq;
    const q = (params.get('q') || '').trim();
    clearResults();
    if (!q) {
      setStatus(status, '');
      return;
    }
    setStatus(status, '正在检索…');
    document.body.classList.add('busy');
    try {
      const apiParams = new URLSearchParams(params);
      apiParams.delete('view');
      const data = await api(`/api/search?${apiParams}`);
      if (seq !== searchSeq) return;
      renderResponse(data);
    } catch (e) {
      if (seq !== searchSeq) return;
      setStatus(status, e.message, true);
    } finally {
      if (seq === searchSeq) document.body.classList.remove('busy');
    }
  }

  function renderResponse(data) {
    const hits = data.hits || [];
    const byRank = new Map(hits.map((hit) => [hit.rank, hit]));
    if (hits.length === 0) {
      setStatus(status, `没有找到与“${data.query}”相关的条文。可以换个说法，或去掉筛选条件。`);
    } else {
      setStatus(status, `找到 ${hits.length} 条相关条文（${MODE_LABELS[data.mode] || data.mode}检索）`);
    }
    const warnings = $('#warnings');
    warnings.replaceChildren(...(data.warnings || []).map((w) => h('li', {}, w)));
    warnings.hidden = warnings.childElementCount === 0;
    if (data.answer && data.answer.asked) {
      if (data.answer.coverage === 'covered' && (data.answer.departments || []).length) {
        renderAnswer(data.answer, byRank);
      } else {
        renderNotCovered(data.query, data.answer, byRank);
      }
    }
    $('#results-title').hidden = hits.length === 0;
    results.replaceChildren(...hits.map(renderHit));
  }

  function evidenceLinks(ranks, byRank) {
    const links = [];
    for (const rank of ranks || []) {
      const hit = byRank.get(rank);
      if (!hit) continue;
      links.push(h('li', {},
        h('a', { class: 'rank-ref', href: `#hit-${rank}` }, `#${rank}`), ' ',
        hit.place ? `${hit.place} ` : '',
        citeLink(hit.id, hit.source.file, hit.source.line_start, hit.source.line_end, hit.source.place)));
    }
    return links;
  }

  function renderDepartment(dept, byRank, main) {
    const renamed = dept.current_name && dept.current_name !== dept.name;
    return h('li', { class: main ? 'dept' : 'dept also' },
      h('div', { class: 'dept-line' },
        h('strong', { class: 'dept-name' }, dept.name),
        dept.as_written && dept.as_written !== dept.name
          ? h('span', { class: 'as-written' }, `（清单写作“${dept.as_written}”）`) : null),
      h('div', { class: 'current' }, renamed
        ? ['现名：', h('strong', {}, dept.current_name), '（2018 年机构改革后）']
        : ['现名：', dept.current_name || dept.name]),
      dept.aspect ? h('div', { class: 'aspect' }, `所问方面：${dept.aspect}`) : null,
      dept.case ? h('div', { class: 'case' }, `清单事例：「${dept.case}」`) : null,
      dept.bureaus && dept.bureaus.length
        ? h('div', { class: 'bureaus' }, `见于：${dept.bureaus.join('、')}`) : null,
      dept.offices && dept.offices.length
        ? h('div', { class: 'offices' }, `承办科室：${dept.offices.join('；')}`) : null,
      main && dept.evidence && dept.evidence.length
        ? h('div', { class: 'citations' }, '依据：', h('ul', {}, evidenceLinks(dept.evidence, byRank)))
        : null);
  }

  function renderAnswer(answer, byRank) {
    const main = answer.departments.map((d) => renderDepartment(d, byRank, true));
    const also = (answer.also_involved || []).map((d) => {
      const cites = (d.evidence || []).filter((r) => byRank.has(r));
      return h('li', {},
        h('strong', {}, d.name),
        d.current_name && d.current_name !== d.name ? `（今 ${d.current_name}）` : '',
        cites.length ? [' ', ...cites.map((r) => h('a', { class: 'rank-ref', href: `#hit-${r}` }, `#${r}`))] : '');
    });
    answerCard.classList.remove('uncertain', 'not-covered-card');
    answerCard.replaceChildren(...[
      h('h2', {}, '负责部门'),
      answer.topic ? h('p', { class: 'topic' }, answer.topic) : null,
      h('ul', { class: 'departments' }, main),
      also.length ? h('div', { class: 'also-involved' }, h('h3', {}, '也涉及'), h('ul', {}, also)) : null,
    ].filter(Boolean));
    answerCard.hidden = false;
  }

  /** The lists do not say who handles it: say so, offer the nearest matters
   *  they cover, and mark an uncertain verdict's departments as candidates. */
  function renderNotCovered(query, answer, byRank) {
    const lists = (answer.lists || []).join('、');
    const near = (answer.nearest_matters || []).map((m) => h('li', {},
      h('span', { class: 'matter' }, m.matter), ' ', m.place ? `${m.place} ` : '',
      h('span', { class: 'cite' }, citation(m.source.file, m.source.line_start, m.source.line_end, m.source.place))));
    const candidates = (answer.candidates || []).map((d) => renderDepartment(d, byRank, true));
    const uncertain = answer.coverage === 'uncertain';
    // replaceChildren writes a null argument as the text "null": drop them.
    answerCard.replaceChildren(...[
      h('h2', {}, uncertain ? '负责部门不确定' : '清单未写明负责部门'),
      h('p', { class: 'not-covered' },
        `这些清单没有写明谁负责“${query.trim()}”`, lists ? `（已检索：${lists}）` : ''),
      candidates.length
        ? h('div', { class: 'candidates' },
          h('h3', {}, '可能相关的部门（仅供参考，不是答案）'),
          h('ul', { class: 'departments' }, candidates))
        : null,
      near.length ? h('div', { class: 'nearest' }, h('h3', {}, '清单涉及的相近事项'), h('ul', {}, near)) : null,
      h('p', { class: 'hotline' }, '提示：12345 是政府服务便民热线。下列条文仅为可能相关。'),
    ].filter(Boolean));
    answerCard.classList.toggle('uncertain', uncertain);
    answerCard.classList.add('not-covered-card');
    answerCard.hidden = false;
  }

  function renderHit(hit) {
    const dept = [];
    if (hit.department) {
      dept.push(hit.department);
      if (hit.department_current && hit.department_current !== hit.department_canonical
          && hit.department_current !== hit.department) {
        dept.push(` → 今 ${hit.department_current}`);
      }
    }
    return h('li', { class: 'hit', id: `hit-${hit.rank}`, dataset: { id: hit.id } },
      h('div', { class: 'hit-head' },
        h('span', { class: 'rank', 'aria-label': `第 ${hit.rank} 条` }, hit.rank),
        h('span', { class: 'matter' }, hit.matter || sectionLabel(hit.section))),
      h('div', { class: 'meta' },
        h('span', { class: 'place', title: hit.bureau }, hit.place || hit.bureau),
        h('span', { class: 'section' }, sectionLabel(hit.section)),
        dept.length ? h('span', { class: 'department' }, dept) : null,
        hit.phone ? h('span', { class: 'phone' }, `电话 ${hit.phone}`) : null),
      h('p', { class: 'snippet' }, snippetNodes(hit.snippet || { text: hit.text, highlights: [] })),
      (hit.laws || []).length && window.qsearchLaws
        ? h('div', { class: 'hit-laws' }, '依据：', hit.laws.flatMap((name) => [window.qsearchLaws.lawLink(name, /^[A-Z]/.test(name) ? name : `《${name}》`), ' ']))
        : null,
      h('div', { class: 'hit-foot' }, '出处：',
        citeLink(hit.id, hit.source.file, hit.source.line_start, hit.source.line_end, hit.source.place)));
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!input.value.trim()) {
      setStatus(status, '请输入问题或关键词', true);
      input.focus();
      return;
    }
    const params = searchParamsFromForm();
    history.pushState(null, '', `/?${params}`);
    runSearch(params);
  });

  for (const name of ['bureau', 'section', 'mode']) {
    $(`#${name}`).addEventListener('change', () => {
      if (!input.value.trim()) return;
      const params = searchParamsFromForm();
      history.replaceState(null, '', `/?${params}`);
      runSearch(params);
    });
  }

  async function loadFilters() {
    try {
      const data = await api('/api/bureaus');
      const bureau = $('#bureau');
      const keep = bureau.value;
      bureau.replaceChildren(h('option', { value: '' }, '全部单位'),
        ...data.bureaus.map((b) => h('option', { value: b.file, title: b.bureau.name },
          `${b.bureau.place} · ${b.bureau.name}（${b.records} 条）`)));
      const section = $('#section');
      const keepSection = section.value;
      section.replaceChildren(h('option', { value: '' }, '全部章节'),
        ...data.sections.map((s) => h('option', { value: s.id }, `${s.label}（${s.records} 条）`)));
      const params = new URLSearchParams(location.search);
      bureau.value = params.get('bureau') || keep;
      section.value = params.get('section') || keepSection;
    } catch (e) {
      // Filters are optional; searching still works without them.
    }
  }

  // ---------------------------------------------------------------- compare

  const compareStatus = $('#compare-status');
  const compareResult = $('#compare-result');
  let mattersLoaded = false;
  let compareSeq = 0;

  function shorten(text, max) {
    const chars = [...(text || '')];
    return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
  }

  async function loadMatters() {
    if (mattersLoaded) return;
    mattersLoaded = true;
    try {
      const data = await api('/api/matters');
      const matters = data.matters || [];
      $('#matter-list').replaceChildren(...matters.map((m) => h('option', { value: m.matter })));
      $('#matters').replaceChildren(...matters.map((m) => h('li', {},
        h('a', { href: `/?view=compare&matter=${encodeURIComponent(m.matter)}`, class: 'matter-link' }, m.matter),
        ' ', h('span', { class: 'muted' }, m.bureaus.map((b) => b.place).join('、')))));
    } catch (e) {
      mattersLoaded = false;
    }
  }

  /**
   * `?view=compare&text=…`: any clause across bureaus (with the matter table
   * when it names a boundary matter); `?view=compare&matter=…`: the matter
   * table alone.
   */
  async function runCompare(value, kind) {
    const seq = ++compareSeq;
    $('#matter').value = value;
    compareResult.replaceChildren();
    if (!value.trim()) {
      setStatus(compareStatus, '');
      return;
    }
    setStatus(compareStatus, '正在比较…');
    try {
      const data = await api(`/api/compare?${kind}=${encodeURIComponent(value)}`);
      if (seq !== compareSeq) return;
      if (kind === 'text') renderClause(data);
      else renderComparison(data);
    } catch (e) {
      if (seq !== compareSeq) return;
      setStatus(compareStatus, e.message, true);
    }
  }

  /** The departments × bureaus table of one boundary matter, or null. */
  function matterTable(data) {
    const columns = data.bureaus || [];
    const rows = data.rows || [];
    if (columns.length === 0 || rows.length === 0) return null;
    const head = h('tr', {}, h('th', { scope: 'col' }, '部门'),
      ...columns.map((c) => h('th', { scope: 'col', title: c.bureau },
        h('span', { class: 'col-place' }, c.place), h('span', { class: 'col-matter' }, c.matter))));
    const body = rows.map((row) => h('tr', { class: row.differs ? 'differs' : '' },
      h('th', { scope: 'row' },
        row.differs ? h('span', { class: 'ne', title: '各地不一致' }, '≠ ') : null,
        row.department,
        row.current_name && row.current_name !== row.department
          ? h('span', { class: 'current' }, `今 ${row.current_name}`) : null),
      ...row.cells.map((cell) => cell
        ? h('td', {}, h('span', { class: 'duty', title: cell.duty }, shorten(cell.duty, 60)), ' ',
          citeLink(cell.record_id, cell.file, cell.line_start, cell.line_end))
        : h('td', { class: 'empty' }, '—'))));
    return h('div', { class: 'table-wrap' },
      h('table', { class: 'compare' }, h('thead', {}, head), h('tbody', {}, body)));
  }

  function renderComparison(data) {
    const table = matterTable(data);
    if (!table) {
      setStatus(compareStatus, `没有找到事项“${data.query}”。可以从下方“全部事项”中选择。`);
      $('#matters-box').open = true;
      return;
    }
    const how = { synonym: '（按同义词匹配）', meaning: '（按语义匹配）' }[data.matched_by] || '';
    setStatus(compareStatus,
      `“${data.query}”${how}：${data.rows.length} 个部门 × ${data.bureaus.length} 个单位`);
    compareResult.replaceChildren(...[table,
      data.missing_in && data.missing_in.length
        ? h('p', { class: 'missing' }, `≠ 以下单位的清单没有此事项：${data.missing_in.join('、')}`)
        : null].filter(Boolean));
  }

  /** A passage's text with its numbers marked (differing ones highlighted). */
  function markedText(text, quantities) {
    const parts = [];
    let rest = shorten(text, 180);
    for (const q of quantities) {
      const at = rest.indexOf(q.text);
      if (at < 0) continue;
      parts.push(rest.slice(0, at),
        h('mark', { class: q.differs ? 'num differs' : 'num', title: q.normalised }, q.text));
      rest = rest.slice(at + q.text.length);
    }
    parts.push(rest);
    return parts;
  }

  const KIND = { frequency: '频次', deadline: '时限', amount: '金额', ratio: '比例', count: '数量' };
  const ASPECT = { presence: '有无', departments: '部门', ...KIND };

  function passageItem(p) {
    return h('li', { class: 'passage' },
      p.added_for
        ? h('span', { class: 'added-for', title: '同一制度中的另一段，列出其数字以便比较' }, `同一制度中的${ASPECT[p.added_for] || p.added_for}`)
        : null,
      h('span', { class: 'passage-matter', title: p.matter }, shorten(p.matter, 30)),
      p.department ? h('span', { class: 'dept' }, p.department) : null,
      h('span', { class: 'passage-text' }, markedText(p.text, p.quantities || [])), ' ',
      citeLink(p.record_id, p.file, p.line_start, p.line_end),
      (p.quantities || []).length
        ? h('span', { class: 'numbers' }, p.quantities.map((q) =>
          h('span', { class: q.differs ? 'num-chip differs' : 'num-chip', title: q.text },
            `${q.differs ? '≠ ' : ''}${KIND[q.kind] || q.kind} ${q.normalised}`)))
        : null);
  }

  function renderClause(data) {
    const columns = data.bureaus || [];
    const rows = data.rows || [];
    const table = data.matter ? matterTable(data.matter) : null;
    const found = columns.filter((c) => c.passages > 0).length;
    if (found === 0) {
      setStatus(compareStatus,
        `各地清单均无关于“${data.query}”的内容：${(data.missing_in || []).join('、')}`);
      compareResult.replaceChildren(table || '');
      return;
    }
    setStatus(compareStatus,
      `“${data.query}”：${found} / ${columns.length} 个单位的清单有相关条文（按 ${data.concepts.join('、')} 匹配）`);
    const head = h('tr', {}, h('th', { scope: 'col' }, '章节'),
      ...columns.map((c) => h('th', { scope: 'col', title: c.bureau },
        h('span', { class: 'col-place' }, c.place),
        h('span', { class: 'col-matter' }, c.passages ? `${c.passages} 条` : '无相关内容'))));
    const body = rows.map((row) => {
      const aspects = (row.differences || []).map((d) => ASPECT[d.aspect] || d.aspect);
      return h('tr', { class: aspects.length ? 'differs' : '' },
        h('th', { scope: 'row' }, row.label,
          aspects.length ? h('span', { class: 'current' }, `≠ ${aspects.join('、')}`) : null),
        ...row.cells.map((cell) => cell.passages.length
          ? h('td', { class: cell.differs ? 'cell-differs' : '' },
            h('ul', { class: 'passages' }, cell.passages.map(passageItem)))
          : h('td', { class: 'empty' }, cell.has_section ? '—' : '无此章节')));
    });
    compareResult.replaceChildren(...[
      table ? h('h3', { class: 'compare-title' }, `事项分工：${data.matter.bureaus[0].matter}`) : null,
      table,
      table ? h('h3', { class: 'compare-title' }, '各章节条文') : null,
      h('div', { class: 'table-wrap' },
        h('table', { class: 'compare clause' }, h('thead', {}, head), h('tbody', {}, body))),
      data.missing_in && data.missing_in.length
        ? h('p', { class: 'missing' }, `≠ 以下单位的清单没有相关内容：${data.missing_in.join('、')}`)
        : null].filter(Boolean));
  }

  $('#compare-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('#matter').value;
    history.pushState(null, '', `/?view=compare&text=${encodeURIComponent(text)}`);
    runCompare(text, 'text');
  });

  // ---------------------------------------------------------------- record dialog

  const dialog = $('#record-dialog');

  function row(label, value) {
    return value ? [h('dt', {}, label), h('dd', {}, value)] : [];
  }

  function fieldRows(fields) {
    switch (fields.kind) {
      case 'duty':
        return [...row('主要职责', fields.main_duty), ...row('工作事项', fields.work_item),
          ...row('承办科室', fields.unit), ...row('依据', fields.basis), ...row('备注', fields.remark)];
      case 'boundary':
        return [...row('事项', fields.matter),
          ...row('部门', fields.department && `${fields.department.as_written}（${fields.department.canonical}，今 ${fields.department.current}）`),
          ...row('职责', fields.duty), ...row('依据', fields.basis), ...row('案例', fields.case)];
      case 'service':
        return [...row('服务事项', fields.service), ...row('内容', fields.content), ...row('依据', fields.basis),
          ...row('承办单位', fields.unit), ...row('电话', fields.phone)];
      case 'prose':
        return [...row('标题', (fields.heading_path || []).join(' › ')), ...row('正文', fields.text)];
      default:
        return [];
    }
  }

  /**
   * The cited rows of an original document (Word, Excel, web page, PDF):
   * its extracted text has one tab-separated line per table row, so the
   * cells are shown as the table they were, cell paragraphs on their own lines.
   */
  function citedCells(lines) {
    const cell = (text) => text.replace(/<\/p>\s*<p>/g, '\n').replace(/<\/?p>/g, '');
    return h('table', { class: 'cited-cells' },
      h('tbody', {}, lines.map((l) => h('tr', {},
        l.text.split('\t').map((c) => h('td', {}, cell(c)))))));
  }

  async function openRecord(id) {
    $('#record-title').textContent = '原文';
    const body = $('#record-body');
    body.replaceChildren(h('p', { class: 'status' }, '正在读取…'));
    if (typeof dialog.showModal === 'function') {
      if (!dialog.open) dialog.showModal();
    } else {
      dialog.setAttribute('open', '');
    }
    try {
      const data = await api(`/api/records/${encodeURIComponent(id)}`);
      const record = data.record;
      $('#record-title').textContent = data.matter || data.section_label;
      body.replaceChildren(
        h('p', { class: 'meta' }, h('span', {}, record.bureau.name), h('span', {}, data.section_label)),
        h('dl', { class: 'fields' }, fieldRows(record.fields)),
        h('h3', {}, '清单原文 ', h('code', {}, data.citation)),
        data.lines && data.lines.length && record.source.place
          ? citedCells(data.lines)
          : data.lines && data.lines.length
          ? h('ol', { class: 'source-lines' },
            data.lines.map((l) => h('li', { value: l.line }, h('span', { class: 'ln' }, l.line), h('span', { class: 'lt' }, l.text))))
          : h('p', { class: 'muted' }, '（原文文件暂不可读）'),
        h('p', { class: 'raw' }, h('a', { href: `/api/records/${encodeURIComponent(id)}`, target: '_blank', rel: 'noopener' }, 'JSON')));
    } catch (e) {
      body.replaceChildren(h('p', { class: 'status error' }, e.message));
    }
  }

  $('#record-close').addEventListener('click', () => dialog.close ? dialog.close() : dialog.removeAttribute('open'));
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog && dialog.close) dialog.close();
  });

  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a.cite');
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    openRecord(link.dataset.id);
  });

  // ---------------------------------------------------------------- views

  function showView(view) {
    // The legal-basis view (laws.js).
    $('#laws-view').hidden = view !== 'laws';
    $('#tab-laws').toggleAttribute('aria-current', view === 'laws');
    if (view === 'laws') {
      $('#search-view').hidden = true;
      $('#compare-view').hidden = true;
      $('#tab-search').removeAttribute('aria-current');
      $('#tab-compare').removeAttribute('aria-current');
      $('#tab-laws').setAttribute('aria-current', 'page');
      return;
    }
    const compare = view === 'compare';
    $('#search-view').hidden = compare;
    $('#compare-view').hidden = !compare;
    $('#tab-search').toggleAttribute('aria-current', !compare);
    $('#tab-compare').toggleAttribute('aria-current', compare);
    if (!compare) $('#tab-search').setAttribute('aria-current', 'page');
    else $('#tab-compare').setAttribute('aria-current', 'page');
  }

  function route() {
    const params = new URLSearchParams(location.search);
    if (params.get('view') === 'laws') {
      showView('laws');
      if (window.qsearchLaws) window.qsearchLaws.route(params);
    } else if (params.get('view') === 'compare') {
      showView('compare');
      loadMatters();
      if (params.has('matter')) runCompare(params.get('matter') || '', 'matter');
      else runCompare(params.get('text') || '', 'text');
    } else {
      showView('search');
      fillForm(params);
      runSearch(params);
    }
  }

  for (const tab of document.querySelectorAll('.tabs a')) {
    tab.addEventListener('click', (event) => {
      event.preventDefault();
      const view = tab.dataset.view;
      history.pushState(null, '', view === 'search' ? '/' : `/?view=${view}`);
      route();
      (view === 'compare' ? $('#matter') : view === 'laws' ? $('#law-name') : input).focus();
    });
  }

  // Helpers for laws.js (loaded after this file).
  window.qsearchPage = { h, api, citeLink, setStatus, sectionLabel, shorten, showView };

  window.addEventListener('popstate', route);
  loadFilters();
  route();
})();
