// 法规索引: the legal-basis view of the page, /?view=laws (every law,
// regulation, rule and standard cited, per bureau) and /?view=laws&name=…
// (every record citing one, grouped by bureau, each with its citation).
// It uses the helpers app.js exposes as window.qsearchPage.
'use strict';

window.qsearchLaws = (() => {
  const KIND_LABELS = {
    law: '法律', regulation: '条例', rule: '规章', standard: '标准', document: '规范性文件',
  };
  const $ = (selector) => document.querySelector(selector);
  let seq = 0;

  function lawHref(name) {
    return `/?view=laws&name=${encodeURIComponent(name)}`;
  }

  /** A link to one instrument's view. */
  function lawLink(name, text) {
    const { h } = window.qsearchPage;
    return h('a', { class: 'law-link', href: lawHref(name), dataset: { law: name } }, text || name);
  }

  async function route(params) {
    const { api, setStatus } = window.qsearchPage;
    const status = $('#laws-status');
    const out = $('#laws-result');
    const name = params.get('name') || '';
    const kind = params.get('kind') || '';
    $('#law-name').value = name;
    const mine = ++seq;
    out.replaceChildren();
    setStatus(status, '正在读取…');
    try {
      if (name.trim()) {
        const data = await api(`/api/laws/${encodeURIComponent(name)}`);
        if (mine === seq) renderInstrument(data);
      } else {
        const data = await api(`/api/laws${kind ? `?kind=${encodeURIComponent(kind)}` : ''}`);
        if (mine === seq) renderList(data);
      }
    } catch (e) {
      if (mine === seq) setStatus(status, e.message, true);
    }
  }

  function renderList(data) {
    const { h, setStatus } = window.qsearchPage;
    const items = data.instruments || [];
    setStatus($('#laws-status'), `清单引用的法律、法规、规章和标准共 ${items.length} 部（按引用条数排序）`);
    const head = h('tr', {}, h('th', { scope: 'col' }, '名称'), h('th', { scope: 'col' }, '类别'),
      h('th', { scope: 'col' }, '引用'), h('th', { scope: 'col' }, '各单位引用条数'));
    const body = items.map((i) => h('tr', {},
      h('th', { scope: 'row' }, lawLink(i.name),
        (i.decrees || []).length ? h('span', { class: 'muted' }, ` ${i.decrees.join('，')}`) : null),
      h('td', {}, KIND_LABELS[i.kind] || i.kind),
      h('td', { class: 'num' }, i.citing),
      h('td', {}, i.by_bureau.map((b) => `${b.place} ${b.records}`).join(' · '))));
    $('#laws-result').replaceChildren(
      h('div', { class: 'table-wrap' }, h('table', { class: 'compare laws' }, h('thead', {}, head), h('tbody', {}, body))),
      (data.not_laws || []).length
        ? h('p', { class: 'missing' }, `不计为法规的表单、证书、文书：${data.not_laws.map((n) => `《${n.title}》`).join('、')}`)
        : null);
  }

  function renderInstrument(data) {
    const { h, setStatus, citeLink, sectionLabel } = window.qsearchPage;
    setStatus($('#laws-status'),
      `${data.name}（${KIND_LABELS[data.kind] || data.kind}）：${data.citing} 条记录引用，${data.bureaus.length} 个单位`);
    const facts = h('dl', { class: 'fields' },
      h('dt', {}, '写法'), h('dd', {}, data.variants.map((v) => `《${v}》`).join(' / ')),
      (data.decrees || []).length ? [h('dt', {}, '令号'), h('dd', {}, data.decrees.join('，'))] : null,
      (data.standards || []).length ? [h('dt', {}, '标准号'), h('dd', {}, data.standards.join('，'))] : null);
    const groups = data.bureaus.map((b) => h('section', { class: 'law-bureau' },
      h('h3', {}, b.place, ' ', h('span', { class: 'muted' }, `${b.bureau} · ${b.records.length} 条`)),
      h('ul', { class: 'law-records' }, b.records.map((r) => h('li', {},
        h('span', { class: 'section' }, sectionLabel(r.section)), ' ',
        h('span', { class: 'matter' }, r.matter), '：',
        h('span', { class: 'duty', title: r.text }, window.qsearchPage.shorten(r.text, 80)),
        (r.articles || []).length ? h('span', { class: 'articles' }, ` ${r.articles.join('、')}`) : null,
        r.inherited ? h('span', { class: 'muted' }, '（依据沿用上一行）') : null,
        ' ', citeLink(r.record_id, r.file, r.line_start, r.line_end))))));
    $('#laws-result').replaceChildren(facts, ...groups,
      h('p', {}, h('a', { class: 'law-link', href: '/?view=laws', dataset: { law: '' } }, '← 全部法规')));
  }

  function go(name) {
    history.pushState(null, '', name ? lawHref(name) : '/?view=laws');
    window.qsearchPage.showView('laws');
    route(new URLSearchParams(location.search));
  }

  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a.law-link');
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    go(link.dataset.law || '');
  });

  $('#laws-form').addEventListener('submit', (event) => {
    event.preventDefault();
    go($('#law-name').value.trim());
  });

  const initial = new URLSearchParams(location.search);
  if (initial.get('view') === 'laws') route(initial);

  return { route, lawLink };
})();
