import Pipeline

/// The review page: a small HTML shell, its style and its script, served from this server only (the
/// Content-Security-Policy allows no inline script or style and nothing from elsewhere).
///
/// The script renders the shots from the server's document (`GET /api/state`) and keeps them current from its event
/// stream (`GET /api/events`): a card is drawn again only when its shot changed, so a clip playing elsewhere on the
/// page keeps playing. All text from the run is set as text, never parsed as HTML.
enum ReviewPage {
    /// The page, with the token in a meta tag for the script's action headers and the run's path (`base`, ending
    /// in `/`: `/` for the one run a server serves, `/runs/ID/` for a run of a store's list) for its reads, actions
    /// and files; `listLink`: a link back to the list of runs.
    static func html(token: String, base: String = "/", listLink: Bool = false) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="review-token" content="\(token)">
        <meta name="review-base" content="\(escape(base))">
        <title>seedance review</title>
        <link rel="stylesheet" href="/review.css"></head>
        <body>
        <header>\(listLink ? "<p class=\"back\"><a href=\"/\">← All runs</a></p>" : "")<h1 id="title">seedance review</h1><p id="summary">Loading the run…</p>
        <p class="keys"><kbd>j</kbd>/<kbd>k</kbd> or <kbd>↓</kbd>/<kbd>↑</kbd> next/previous shot · <kbd>a</kbd> approve ·
        <kbd>r</kbd> reject · <kbd>space</kbd> play</p></header>
        <div id="status" role="status" aria-live="polite"></div>
        <main><section id="final" class="panel"></section><div id="shots"></div></main>
        <script src="/review.js"></script>
        </body></html>

        """
    }

    /// `text` safe inside HTML text and quoted attributes: the report's escaping, one rule for both pages.
    static func escape(_ text: String) -> String { ReportHTML.escape(text) }

    /// What a request without the token gets.
    static let refused = """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>seedance review</title></head>
        <body><p>Open the address <code>seedance review</code> printed: it carries the server's token.</p></body></html>

        """

    /// Phone first (one column at 375 px), two columns from 800 px.
    static let style = """
        *{box-sizing:border-box}
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1d2330;overflow-wrap:break-word}
        header{background:#1d2330;color:#fff;padding:14px 16px}
        header h1{margin:0 0 4px;font-size:20px} header p{margin:0;color:#b8c0d0;font-size:13px}
        header a{color:#cfe0ff} header .back{margin-bottom:4px}
        table.runs{width:100%;border-collapse:collapse;font-size:14px} table.runs th,table.runs td{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e6ec;vertical-align:top}
        table.runs td.folder{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
        header .keys{margin-top:6px} kbd{background:#2c3445;border-radius:3px;padding:0 4px;font-size:12px;color:#fff}
        #status{position:sticky;top:0;z-index:2;min-height:0;font-size:14px}
        #status.good,#status.bad{padding:8px 16px} #status.good{background:#e3f4e8;color:#0a5a26} #status.bad{background:#fdecee;color:#a0111c}
        main{padding:10px;max-width:1200px;margin:0 auto}
        .panel,.card{background:#fff;border-radius:10px;padding:12px;margin-bottom:14px;box-shadow:0 1px 3px #0002;min-width:0}
        .card{border:2px solid transparent} .card.selected{border-color:#2f6fdf}
        .card.approved{box-shadow:inset 4px 0 0 #0a7a32,0 1px 3px #0002} .card.rejected{box-shadow:inset 4px 0 0 #c01c28,0 1px 3px #0002}
        .card.out{opacity:.65}
        h2{font-size:17px;margin:0 0 8px;display:flex;flex-wrap:wrap;gap:6px;align-items:center}
        h3{font-size:13px;margin:12px 0 4px;color:#3b4252;text-transform:uppercase;letter-spacing:.03em}
        video,img{display:block;max-width:100%;height:auto;border-radius:6px}
        video{width:100%;background:#000}
        .grid{display:grid;grid-template-columns:minmax(0,1fr);gap:12px}
        .pics{display:grid;grid-template-columns:1fr 1fr;gap:6px;margin-top:6px}
        .pics a{display:block} .pics img{width:100%;background:#ddd}
        figure{margin:0} figcaption{font-size:11px;color:#5b6475}
        .badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;background:#5b6475}
        .badge.done,.badge.approved{background:#0a7a32} .badge.failed,.badge.rejected{background:#c01c28}
        .badge.running,.badge.queued,.badge.creating,.badge.downloading,.badge.pending,.badge.unknown{background:#a15c00}
        .prompt{font-style:italic;margin:0 0 8px}
        .meta{font-size:13px;color:#5b6475;margin:4px 0}
        dl.params{display:flex;flex-wrap:wrap;gap:2px 12px;margin:4px 0;font-size:13px} dl.params div{display:flex;gap:4px}
        dl.params dt{color:#5b6475} dl.params dd{margin:0}
        .scroll{overflow-x:auto;max-width:100%}
        table{border-collapse:collapse;width:100%;font-size:12px} td,th{padding:4px 6px;border-bottom:1px solid #e6e8ec;text-align:left;vertical-align:top}
        tr.fail td{background:#fdecee} tr.warn td{background:#fff6e5} td:first-child{white-space:nowrap}
        details.checks{margin:10px 0} details.checks summary{cursor:pointer;font-size:13px;font-weight:600}
        summary.pass{color:#0a7a32} summary.warn{color:#a15c00} summary.fail{color:#c01c28}
        #final video{max-height:60vh}
        .actions{display:flex;flex-wrap:wrap;gap:6px;margin:10px 0}
        button{font:inherit;font-size:14px;padding:7px 12px;border-radius:6px;border:1px solid #c3c8d2;background:#fff;color:#1d2330;cursor:pointer;min-height:36px}
        button.primary{background:#2f6fdf;border-color:#2f6fdf;color:#fff} button.danger{border-color:#c01c28;color:#c01c28}
        button:disabled{opacity:.5;cursor:default}
        form{display:grid;gap:6px;margin:8px 0;padding:8px;background:#f5f6f8;border-radius:6px}
        label{font-size:12px;color:#5b6475;display:grid;gap:2px}
        textarea,input{font:inherit;font-size:14px;padding:6px;border:1px solid #c3c8d2;border-radius:5px;width:100%;min-width:0}
        textarea{min-height:70px;resize:vertical}
        .attempts{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:8px}
        .attempt{border:1px solid #e6e8ec;border-radius:6px;padding:6px;font-size:12px;min-width:0}
        .attempt.current{border-color:#0a7a32}
        .jobs{font-size:13px;margin:6px 0 0;padding-left:18px}
        .job-failed{color:#a0111c} .job-done{color:#0a5a26}
        @media (min-width:800px){main{padding:20px} .grid{grid-template-columns:minmax(0,2fr) minmax(0,3fr)}}
        """

    /// The page's behaviour: render, live updates, actions, keyboard.
    static let script = #"""
        'use strict';
        const token = document.querySelector('meta[name="review-token"]').content;
        const base = (document.querySelector('meta[name="review-base"]') || {}).content || '/';
        let doc = null;
        let ids = [];
        let selected = 0;
        const cards = new Map();
        const drafts = {};

        function newKey() {
          const bytes = new Uint8Array(16);
          crypto.getRandomValues(bytes);
          return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
        }
        function fileURL(path, version) {
          return base + 'files/' + path.split('/').map(encodeURIComponent).join('/') + (version ? '?v=' + encodeURIComponent(version) : '');
        }
        function h(tag, attrs, ...children) {
          const node = document.createElement(tag);
          for (const [name, value] of Object.entries(attrs || {})) {
            if (value === null || value === undefined || value === false) continue;
            if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
            else if (name === 'text') node.textContent = value;
            else node.setAttribute(name, value === true ? '' : value);
          }
          for (const child of children.flat()) {
            if (child === null || child === undefined || child === false) continue;
            node.append(child instanceof Node ? child : document.createTextNode(String(child)));
          }
          return node;
        }
        function say(text, bad) {
          const status = document.getElementById('status');
          status.textContent = text;
          status.className = bad ? 'bad' : 'good';
        }
        async function post(path, body, key) {
          const headers = {'Content-Type': 'application/json', 'X-Seedance-Token': token};
          if (key) headers['Idempotency-Key'] = key;
          let answer = {};
          let response;
          try {
            response = await fetch(base + path.replace(/^\//, ''), {method: 'POST', headers, body: JSON.stringify(body || {}), credentials: 'same-origin'});
            answer = await response.json().catch(() => ({}));
          } catch (error) {
            say('The review server did not answer: ' + error, true);
            return {ok: false, answer};
          }
          if (!response.ok) say(answer.error || ('HTTP ' + response.status), true);
          return {ok: response.ok, status: response.status, answer};
        }
        function money(amount, currency) {
          return (currency ? currency + ' ' : '') + Number(amount).toFixed(2);
        }
        function grouped(n) { return Number(n).toLocaleString('en-US'); }
        function override(shot) { return shot.override || {}; }
        function jobFor(id) {
          return (doc.jobs || []).filter(j => j.shot === id && (j.state === 'queued' || j.state === 'running')).pop();
        }

        function order(run) {
          const byID = new Map(run.shots.map(s => [s.id, s]));
          const edit = (run.edit_order || []).filter(id => byID.has(id));
          const rest = run.shots.filter(s => !edit.includes(s.id)).map(s => s.id);
          return edit.concat(rest).map(id => byID.get(id));
        }

        function checksTable(checks) {
          const rank = {fail: 0, warn: 1};
          const sorted = checks.map((c, i) => [c, i]).sort((a, b) => ((rank[a[0].verdict] ?? 2) - (rank[b[0].verdict] ?? 2)) || (a[1] - b[1])).map(p => p[0]);
          return h('div', {class: 'scroll'}, h('table', {class: 'checks'},
            h('tr', {}, h('th', {text: 'check'}), h('th', {text: 'expected'}), h('th', {text: 'actual'}), h('th', {text: 'verdict'})),
            sorted.map(c => h('tr', {class: c.verdict}, h('td', {text: c.name}), h('td', {text: c.expected}), h('td', {text: c.actual}),
              h('td', {text: c.verdict + (c.message ? ': ' + c.message : '')})))));
        }

        function player(path, preview, poster, version, label) {
          if (!path) return h('p', {class: 'meta', text: 'No clip yet.'});
          return h('video', {controls: true, preload: 'metadata', playsinline: true, 'aria-label': label,
            poster: poster ? fileURL(poster, version) : null, src: fileURL(preview || path, version)});
        }

        function card(shot, index, editIDs) {
          const o = override(shot);
          const params = (doc.parameters || {})[shot.id] || {};
          const job = jobFor(shot.id);
          const version = shot.attempts.length + '-' + (shot.finished_at || '');
          const verdict = o.approved === true ? 'approved' : (o.approved === false ? 'rejected' : null);
          const inEdit = editIDs.indexOf(shot.id);
          const draft = drafts[shot.id] || (drafts[shot.id] = {});
          const classes = ['card', verdict, shot.in_edit ? null : 'out'].filter(Boolean).join(' ');
          const node = h('article', {class: classes, id: 'card-' + shot.id, 'data-shot': shot.id, tabindex: '-1'});

          node.append(h('h2', {}, shot.id,
            h('span', {class: 'badge state ' + shot.state, text: shot.state}),
            verdict ? h('span', {class: 'badge verdict ' + verdict, text: verdict}) : null,
            job ? h('span', {class: 'badge running', text: job.kind + ' ' + job.state}) : null,
            h('small', {class: 'meta', text: inEdit >= 0 ? 'shot ' + (inEdit + 1) + ' of ' + editIDs.length + ' in the edit' : 'out of the edit'})));

          const media = h('div', {class: 'media'},
            player(shot.clip, shot.clip_preview, shot.poster, version, 'clip of ' + shot.id));
          const pics = h('div', {class: 'pics'});
          if (shot.poster) pics.append(h('figure', {}, h('a', {href: fileURL(shot.poster, version)}, h('img', {src: fileURL(shot.poster, version), alt: 'poster of ' + shot.id, loading: 'lazy'})), h('figcaption', {text: 'poster'})));
          if (shot.sheet) pics.append(h('figure', {}, h('a', {href: fileURL(shot.sheet, version)}, h('img', {src: fileURL(shot.sheet, version), alt: 'contact sheet of ' + shot.id, loading: 'lazy'})), h('figcaption', {text: 'contact sheet'})));
          media.append(pics);

          const info = h('div', {class: 'info'});
          info.append(h('p', {class: 'prompt', text: '“' + shot.prompt + '”'}));
          const dl = h('dl', {class: 'params'});
          for (const name of Object.keys(params).sort()) dl.append(h('div', {}, h('dt', {text: name}), h('dd', {text: params[name]})));
          info.append(dl);
          const cost = [];
          if (shot.estimated_tokens) cost.push('estimated ' + grouped(shot.estimated_tokens) + ' tokens');
          if (shot.tokens) cost.push('billed ' + grouped(shot.tokens) + ' tokens' + (shot.cost ? ' (' + money(shot.cost.billed, shot.cost.currency) + ')' : ''));
          if (shot.cost && shot.cost.retries > 0) cost.push('of which retries ' + money(shot.cost.retries, shot.cost.currency));
          if (cost.length) info.append(h('p', {class: 'meta cost', text: 'Cost: ' + cost.join(' · ')}));
          if (o.reason) info.append(h('p', {class: 'meta', text: 'Why: ' + o.reason}));
          if (shot.error) info.append(h('p', {class: 'meta fail', text: shot.error}));

          const actions = h('div', {class: 'actions'},
            h('button', {class: 'approve', disabled: o.approved === true, onclick: () => approve(shot.id)}, 'Approve'),
            h('button', {class: 'reject danger', onclick: () => openForm(shot.id, 'reject')}, 'Reject…'),
            h('button', {class: 'regenerate', disabled: !(o.approved === false || shot.state === 'failed') || !!job || !doc.can_generate,
              title: doc.can_generate ? null : doc.generate_note, onclick: () => openForm(shot.id, 'regenerate')}, 'Make again…'),
            h('button', {class: 'drop', onclick: () => drop(shot.id, !o.dropped)}, o.dropped ? 'Put back in the edit' : 'Drop from the edit'),
            h('button', {class: 'earlier', disabled: inEdit <= 0, onclick: () => move(shot.id, -1), 'aria-label': 'earlier in the edit'}, '↑ Earlier'),
            h('button', {class: 'later', disabled: inEdit < 0 || inEdit >= editIDs.length - 1, onclick: () => move(shot.id, 1), 'aria-label': 'later in the edit'}, '↓ Later'));
          info.append(actions);
          if (draft.mode === 'reject') info.append(rejectForm(shot, draft));
          if (draft.mode === 'regenerate') info.append(regenerateForm(shot, draft));
          if (shot.qa) {
            const count = v => shot.qa.checks.filter(c => c.verdict === v).length;
            const failures = count('fail'), warnings = count('warn');
            const summary = 'Checks: ' + (failures ? failures + ' failed · ' : '') + (warnings ? warnings + ' warned · ' : '') + count('pass') + ' passed';
            info.append(h('details', {class: 'checks', open: failures > 0}, h('summary', {class: failures ? 'fail' : (warnings ? 'warn' : 'pass'), text: summary}),
              checksTable(shot.qa.checks)));
          }

          const attempts = h('div', {class: 'attempts'});
          for (const a of shot.attempts.slice().reverse()) {
            const current = a.state === 'succeeded' && shot.state === 'done' && a.clip && shot.attempts.filter(x => x.state === 'succeeded').pop() === a;
            attempts.append(h('div', {class: 'attempt' + (current ? ' current' : ''), 'data-attempt': a.number},
              h('div', {}, h('b', {text: '#' + a.number}), ' ' + a.state + (current ? ' · in use' : '')),
              h('div', {class: 'meta', text: 'why: ' + a.reason}),
              h('div', {class: 'meta', text: 'seed ' + a.seed + (a.tokens ? ' · ' + grouped(a.tokens) + ' tokens' : '') + (a.cost ? ' · ' + money(a.cost, shot.cost && shot.cost.currency) : '')}),
              a.clip ? player(a.clip, a.preview, null, null, 'attempt ' + a.number + ' of ' + shot.id) : null));
          }
          if (shot.attempts.length) info.append(h('h3', {text: 'Attempts'}), attempts);

          node.append(h('div', {class: 'grid'}, media, info));
          node.addEventListener('click', () => { select(ids.indexOf(shot.id), false); });
          return node;
        }

        function rejectForm(shot, draft) {
          const reason = h('textarea', {name: 'reason', required: true, placeholder: 'what is wrong with this clip',
            oninput: e => { draft.reason = e.target.value; }});
          reason.value = draft.reason || '';
          return h('form', {class: 'reject-form', onsubmit: e => { e.preventDefault(); reject(shot.id); }},
            h('label', {}, 'Why is it rejected?', reason),
            h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'danger'}, 'Reject'),
              h('button', {type: 'button', onclick: () => closeForm(shot.id)}, 'Cancel')));
        }

        function regenerateForm(shot, draft) {
          if (draft.prompt === undefined) draft.prompt = shot.prompt;
          if (!draft.key) draft.key = newKey();
          const prompt = h('textarea', {name: 'prompt', oninput: e => { draft.prompt = e.target.value; }});
          prompt.value = draft.prompt;
          const seed = h('input', {name: 'seed', inputmode: 'numeric', placeholder: 'a fresh one', oninput: e => { draft.seed = e.target.value; }});
          seed.value = draft.seed || '';
          return h('form', {class: 'regenerate-form', onsubmit: e => { e.preventDefault(); regenerate(shot.id, e.submitter || e.target.querySelector('button')); }},
            h('label', {}, 'Prompt', prompt), h('label', {}, 'Seed (empty: a fresh one)', seed),
            h('p', {class: 'meta', text: 'This creates a task and spends tokens' + (shot.estimated_tokens ? ' (about ' + grouped(shot.estimated_tokens) + ')' : '') + '.'}),
            h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Make again'),
              h('button', {type: 'button', onclick: () => closeForm(shot.id)}, 'Cancel')));
        }

        function openForm(id, mode) {
          const draft = drafts[id] || (drafts[id] = {});
          draft.mode = mode;
          redraw(id);
          const field = document.querySelector('#card-' + CSS.escape(id) + ' form textarea');
          if (field) field.focus();
        }
        function closeForm(id) { drafts[id].mode = null; redraw(id); }

        async function approve(id) {
          const r = await post('/api/shots/' + encodeURIComponent(id) + '/approve', {});
          if (r.ok) say(id + ' approved');
        }
        async function reject(id) {
          const draft = drafts[id];
          const r = await post('/api/shots/' + encodeURIComponent(id) + '/reject', {reason: draft.reason || ''});
          if (r.ok) { draft.mode = null; draft.reason = ''; say(id + ' rejected'); redraw(id); }
        }
        async function regenerate(id, button) {
          const draft = drafts[id];
          if (button) button.disabled = true;
          const body = {prompt: draft.prompt, reason: override(doc.run.shots.find(s => s.id === id)).reason || 'rejected in review'};
          if (draft.seed && String(draft.seed).trim() !== '') body.seed = Number(draft.seed);
          const r = await post('/api/shots/' + encodeURIComponent(id) + '/regenerate', body, draft.key);
          if (r.ok) { drafts[id] = {}; say(id + ': making it again (job ' + r.answer.job + ')'); redraw(id); }
          else if (button) button.disabled = false;
        }
        async function drop(id, dropped) {
          const r = await post('/api/shots/' + encodeURIComponent(id) + '/drop', {dropped});
          if (r.ok) say(id + (dropped ? ' dropped from the edit' : ' back in the edit') + '; join again to make the final video');
        }
        async function move(id, step) {
          const edit = (doc.run.edit_order || []).slice();
          const at = edit.indexOf(id);
          const to = at + step;
          if (at < 0 || to < 0 || to >= edit.length) return;
          edit.splice(at, 1);
          edit.splice(to, 0, id);
          const r = await post('/api/order', {order: edit});
          if (r.ok) say('new order: ' + edit.join(', ') + '; join again to make the final video');
        }
        async function join(button) {
          button.disabled = true;
          const r = await post('/api/join', {}, newKey());
          if (r.ok) say('joining the edit (job ' + r.answer.job + ')');
          else button.disabled = false;
        }

        function renderFinal() {
          const run = doc.run;
          const panel = document.getElementById('final');
          if (!panel.firstChild) panel.append(h('div', {id: 'final-media'}), h('div', {id: 'final-info'}));
          const media = document.getElementById('final-media');
          // The player is made again only when the final video changed, so one playing keeps playing.
          const videoSig = JSON.stringify([run.final && run.final.path, run.final && run.final.probe, doc.final_exists]);
          if (media.dataset.sig !== videoSig) {
            media.dataset.sig = videoSig;
            media.replaceChildren(h('h2', {}, 'Final video',
              run.final ? h('span', {class: 'badge ' + (run.final.passed ? 'done' : 'failed'), text: run.final.passed ? 'checks passed' : 'checks failed'}) : null));
            if (run.final && doc.final_exists) {
              const version = (run.final.probe && (run.final.probe.size_bytes + '-' + run.final.probe.duration)) || '';
              const first = run.shots.find(x => x.id === (run.edit_order || [])[0]);
              media.append(h('video', {id: 'final-video', controls: true, preload: 'metadata', playsinline: true,
                poster: first && first.poster ? fileURL(first.poster) : null, src: fileURL(run.final.path, version)}));
            } else {
              media.append(h('p', {class: 'meta', text: 'No final video: not every shot of the edit is done.'}));
            }
          }
          const info = document.getElementById('final-info');
          const t = run.totals;
          const priced = (t.money || []).map(money2).join(' · ');
          const jobs = (doc.jobs || []).slice(-5).reverse();
          info.replaceChildren(...[
            run.final && doc.final_exists ? h('p', {class: 'meta', text: 'Joins ' + ((run.final && run.final.shots) || run.edit_order || []).join(', ')}) : null,
            h('div', {class: 'actions'}, h('button', {id: 'join', class: 'primary', disabled: doc.busy, onclick: e => join(e.target)}, 'Join again')),
            h('p', {class: 'meta totals', text: t.done + ' of ' + t.shots + ' shots done · ' + t.creates + ' creates · ' + grouped(t.tokens) + ' tokens billed' + (priced ? ' · ' + priced : '')}),
            !doc.can_generate && doc.generate_note ? h('p', {class: 'meta', text: 'Making shots again is off: ' + doc.generate_note}) : null,
            jobs.length ? h('ul', {class: 'jobs'}, jobs.map(j => h('li', {class: 'job-' + j.state, 'data-job': j.id,
              text: (j.kind === 'join' ? 'join' : 'make ' + j.shot + ' again') + ': ' + j.state + (j.message ? ' — ' + j.message : '')}))) : null,
          ].filter(Boolean));
        }
        function money2(m) { return 'billed ' + money(m.billed, m.currency); }

        function redraw(id) {
          const shot = doc.run.shots.find(s => s.id === id);
          const entry = cards.get(id);
          if (!shot || !entry) return;
          const fresh = card(shot, ids.indexOf(id), doc.run.edit_order || []);
          entry.node.replaceWith(fresh);
          entry.node = fresh;
          entry.sig = signature(shot);
          markSelected();
        }
        function signature(shot) {
          return JSON.stringify([shot, (doc.parameters || {})[shot.id], jobFor(shot.id), doc.run.edit_order, doc.can_generate, (drafts[shot.id] || {}).mode]);
        }

        function apply(next) {
          if (doc && next.version <= doc.version) return;
          const selectedID = ids[selected];
          doc = next;
          document.getElementById('title').textContent = (doc.run.name || 'seedance run') + ' — review';
          const t = doc.run.totals;
          document.getElementById('summary').textContent = t.done + ' of ' + t.shots + ' shots done' + (doc.busy ? ' · working…' : '');
          renderFinal();
          const container = document.getElementById('shots');
          const shots = order(doc.run);
          ids = shots.map(s => s.id);
          for (const [id, entry] of cards) if (!ids.includes(id)) { entry.node.remove(); cards.delete(id); }
          let previous = null;
          for (const shot of shots) {
            let entry = cards.get(shot.id);
            const sig = signature(shot);
            if (!entry) {
              entry = {node: card(shot, ids.indexOf(shot.id), doc.run.edit_order || []), sig};
              cards.set(shot.id, entry);
            } else if (entry.sig !== sig) {
              const fresh = card(shot, ids.indexOf(shot.id), doc.run.edit_order || []);
              entry.node.replaceWith(fresh);
              entry.node = fresh;
              entry.sig = sig;
            }
            const want = previous ? previous.nextSibling : container.firstChild;
            if (want !== entry.node) container.insertBefore(entry.node, want);
            previous = entry.node;
          }
          const keep = ids.indexOf(selectedID);
          selected = keep >= 0 ? keep : Math.min(selected, Math.max(0, ids.length - 1));
          markSelected();
          document.body.dataset.version = doc.version;
        }

        function markSelected() {
          ids.forEach((id, i) => { const e = cards.get(id); if (e) e.node.classList.toggle('selected', i === selected); });
        }
        function select(index, scroll) {
          if (index < 0 || index >= ids.length) return;
          selected = index;
          markSelected();
          const node = cards.get(ids[selected]).node;
          if (scroll !== false) { node.scrollIntoView({block: 'start', behavior: 'smooth'}); node.focus({preventScroll: true}); }
        }

        document.addEventListener('keydown', e => {
          // Typing in a field is typing; a focused button or player answers space and Enter itself.
          if (e.target.closest && e.target.closest('input, textarea, select') && e.key !== 'Escape') return;
          if (e.target.closest && e.target.closest('button, video') && (e.key === ' ' || e.key === 'Enter')) return;
          if (e.ctrlKey || e.metaKey || e.altKey || !doc) return;
          const id = ids[selected];
          switch (e.key) {
            case 'j': case 'ArrowDown': e.preventDefault(); select(selected + 1); break;
            case 'k': case 'ArrowUp': e.preventDefault(); select(selected - 1); break;
            case 'a': if (id) approve(id); break;
            case 'r': if (id) { e.preventDefault(); openForm(id, 'reject'); } break;
            case ' ': {
              e.preventDefault();
              const video = id && cards.get(id).node.querySelector('.media video');
              if (video) { if (video.paused) video.play().catch(() => {}); else video.pause(); }
              break;
            }
            case 'Escape': if (id && drafts[id] && drafts[id].mode) closeForm(id); break;
          }
        });

        fetch(base + 'api/state', {credentials: 'same-origin'}).then(r => r.json()).then(apply).catch(e => say('Could not load the run: ' + e, true));
        const events = new EventSource(base + 'api/events');
        events.addEventListener('state', e => apply(JSON.parse(e.data)));
        """#
}
