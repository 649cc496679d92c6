/**
 * The status page's stylesheet, served from /assets/ so the Content-Security-Policy needs no inline style. Light by
 * default, dark under `prefers-color-scheme: dark`; everything wraps or shrinks so 390 px needs no sideways scroll.
 */
export const STATUS_STYLE = `
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--fg:#1b1f24;--muted:#59636e;--line:#d8dee4;--focus:#0b5fff;
--ok:#1f883d;--p3:#3b63d8;--p2:#b35900;--p1:#d1410c;--p0:#c01c28;--none:#c4cad1;--p50:#0b5fff;--p95:#b35900}
@media (prefers-color-scheme:dark){:root{--bg:#0e1116;--card:#161b22;--fg:#e6edf3;--muted:#9aa5b1;--line:#30363d;--focus:#6ea8fe;
--ok:#3fb950;--p3:#7c9cff;--p2:#e3a33c;--p1:#f0883e;--p0:#ff6b6b;--none:#3a424c;--p50:#6ea8fe;--p95:#e3a33c}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow-wrap:anywhere}
main,header.top,footer{max-width:64rem;margin:0 auto;padding:0 1rem}
header.top{padding-top:1.25rem}
h1{font-size:1.5rem;margin:0 0 .5rem}
h2{font-size:1.15rem;margin:1.75rem 0 .6rem}
h3{font-size:1rem;margin:0}
a{color:var(--focus)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.banner{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.8rem 1rem;border-radius:.5rem;color:#fff;background:var(--muted)}
.banner strong{font-size:1.1rem}
.sev-ok{background:var(--ok)}.sev-P3{background:var(--p3)}.sev-P2{background:var(--p2)}.sev-P1{background:var(--p1)}.sev-P0{background:var(--p0)}
.sev-none{background:var(--none)}
.banner.sev-ok,.banner.sev-P0,.banner.sev-P1,.banner.sev-P2,.banner.sev-P3{color:#fff}
@media (prefers-color-scheme:dark){.banner.sev-ok,.banner.sev-P2,.banner.sev-P3,.banner.sev-P1,.banner.sev-P0{color:#0e1116}}
.meta{color:var(--muted);font-size:.85rem;margin:.4rem 0 0}
.probe-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,26rem),1fr));gap:0 .8rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.8rem 1rem;margin:.6rem 0}
.card-head{display:flex;flex-wrap:wrap;gap:.3rem .8rem;align-items:baseline;justify-content:space-between}
.pill{display:inline-block;padding:0 .5rem;border-radius:1rem;font-size:.8rem;font-weight:600;color:#fff}
@media (prefers-color-scheme:dark){.pill{color:#0e1116}}
.state-pass{background:var(--ok)}.state-fail,.state-error{background:var(--p0)}.state-skipped,.state-unknown{background:var(--muted)}
fieldset.ranges{border:0;padding:0;margin:1rem 0 0;display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
fieldset.ranges legend{float:left;margin-right:.5rem;color:var(--muted);font-size:.9rem}
.ranges label{position:relative}
.ranges input{position:absolute;opacity:0;width:1px;height:1px}
.ranges span{display:inline-block;padding:.25rem .75rem;border:1px solid var(--line);border-radius:1rem;background:var(--card);cursor:pointer}
.ranges input:checked+span{background:var(--fg);color:var(--bg);border-color:var(--fg)}
.ranges input:focus-visible+span{outline:3px solid var(--focus);outline-offset:2px}
.uptimes{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:.4rem;margin:.6rem 0;padding:0;list-style:none}
.uptimes li{border:1px solid var(--line);border-radius:.4rem;padding:.3rem .5rem;min-width:0}
.uptimes .label{display:block;color:var(--muted);font-size:.75rem}
.uptimes .value{font-weight:600;font-variant-numeric:tabular-nums;white-space:nowrap}
@media (max-width:30rem){.uptimes li{padding:.25rem .35rem}.uptimes .value{font-size:.85rem}}
.bar{display:flex;gap:2px;height:2rem;margin:.5rem 0 .2rem;padding:0}
.cell{flex:1 1 0;min-width:0;border-radius:2px;background:var(--none)}
.cell.w-ok{background:var(--ok)}.cell.w-P3{background:var(--p3)}.cell.w-P2{background:var(--p2)}.cell.w-P1{background:var(--p1)}.cell.w-P0{background:var(--p0)}
.cell:focus-visible{outline-offset:1px}
.tip{min-height:1.3em;margin:0;color:var(--muted);font-size:.8rem}
.chart{display:block;width:100%;height:auto;margin:.4rem 0 0}
.chart .grid{stroke:var(--line);stroke-width:1}
.chart .p50{stroke:var(--p50);fill:none;stroke-width:2}
.chart .p95{stroke:var(--p95);fill:none;stroke-width:2}
.chart circle.p50{fill:var(--p50);stroke:none}.chart circle.p95{fill:var(--p95);stroke:none}
.legend{display:flex;flex-wrap:wrap;gap:.2rem 1rem;color:var(--muted);font-size:.8rem;margin:0}
.legend .k50::before,.legend .k95::before{content:"";display:inline-block;width:.8rem;height:.2rem;margin-right:.3rem;vertical-align:middle}
.legend .k50::before{background:var(--p50)}.legend .k95::before{background:var(--p95)}
.empty{color:var(--muted);font-style:italic;margin:.3rem 0}
ol.timeline,ul.plain{margin:.4rem 0;padding-left:1.2rem}
ol.timeline li{margin:.15rem 0}
time,.mono{font-variant-numeric:tabular-nums}
.actions{margin:.3rem 0 .3rem 1.2rem;padding:0}
.past{width:100%;border-collapse:collapse;font-size:.9rem}
.past th{white-space:nowrap}
.past th,.past td{text-align:left;padding:.35rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}
@media (max-width:40rem){.past thead{display:none}.past tr{display:block;border-bottom:1px solid var(--line);padding:.3rem 0}
.past td{display:block;border:0;padding:.1rem 0}}
details summary{cursor:pointer}
footer{color:var(--muted);font-size:.85rem;padding-top:1rem;padding-bottom:2rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;
