"""How the HTML and PDF reports look: the kind colours (shared with the timeline picture) and the
embedded stylesheets. Calm and readable on screen, tidy on A4 paper."""

from __future__ import annotations

from incident_recorder.domain.kinds import KIND_COLOURS

_BADGES = "\n".join(
    f".kind-{kind.value} {{ background: {colour}; }}" for kind, colour in KIND_COLOURS.items()
)

STYLESHEET = f"""\
:root {{ color-scheme: light; }}
html {{ background: #f6f7f9; }}
body {{
  margin: 0; padding: 2rem 1rem; color: #1f2933; line-height: 1.55; font-size: 16px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Ubuntu, Cantarell,
    "Noto Sans", "DejaVu Sans", "Helvetica Neue", Arial, sans-serif;
}}
main.report {{
  max-width: 60rem; margin: 0 auto; background: #fff; padding: 2.5rem 3rem;
  border: 1px solid #e3e7ec; border-radius: 8px; box-shadow: 0 1px 3px rgba(15, 23, 42, .06);
}}
h1 {{ font-size: 1.9rem; line-height: 1.25; margin: 0 0 1rem; color: #111827; }}
h2 {{
  font-size: 1.35rem; margin: 2.2rem 0 .8rem; padding-bottom: .3rem;
  border-bottom: 1px solid #e5e7eb; color: #111827;
}}
h3 {{ font-size: 1.1rem; margin: 1.6rem 0 .6rem; color: #1f2937; }}
p, ul, ol {{ margin: .6rem 0; }}
li {{ margin: .2rem 0; }}
a {{ color: #1d4ed8; text-decoration-thickness: 1px; text-underline-offset: 2px; }}
em {{ color: #4b5563; }}
code, kbd, pre {{
  font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: .9em;
}}
code {{ background: #f3f4f6; padding: .1em .3em; border-radius: 3px; }}
pre {{ background: #f3f4f6; padding: .8rem 1rem; border-radius: 6px; overflow-x: auto; }}
pre code {{ background: none; padding: 0; }}
blockquote {{
  margin: .8rem 0; padding: .2rem 1rem; border-left: 3px solid #cbd5e1; color: #374151;
}}
hr {{ border: 0; border-top: 1px solid #e5e7eb; margin: 2rem 0; }}
table {{
  border-collapse: collapse; width: 100%; margin: .8rem 0 1.2rem; font-size: .92rem;
  display: block; overflow-x: auto;
}}
th, td {{ border: 1px solid #d9dee5; padding: .4rem .6rem; text-align: left; vertical-align: top; }}
th {{ background: #eef1f5; font-weight: 600; white-space: nowrap; }}
tbody tr:nth-child(even) {{ background: #f8fafc; }}
td {{ overflow-wrap: break-word; }}
img {{ max-width: 100%; height: auto; border: 1px solid #e5e7eb; border-radius: 4px; }}
.figure {{ display: block; margin: .8rem 0 1.2rem; }}
.figure svg {{ display: block; max-width: 100%; height: auto; }}
.kind {{
  display: inline-block; color: #fff; border-radius: 9px; padding: .05rem .55rem;
  font-size: .8rem; font-weight: 600; white-space: nowrap;
}}
{_BADGES}
.missing-image {{ color: #6b7280; font-style: italic; }}
@page {{ size: A4; margin: 16mm 14mm 18mm; }}
@media print {{
  html, body {{ background: #fff; padding: 0; font-size: 10.5pt; }}
  main.report {{ max-width: none; border: 0; box-shadow: none; padding: 0; margin: 0; }}
  h1, h2, h3 {{ break-after: avoid; page-break-after: avoid; }}
  tr, td, th, img, .figure, pre, blockquote {{ break-inside: avoid; page-break-inside: avoid; }}
  table {{ display: table; overflow: visible; }}
  thead {{ display: table-header-group; }}
  a {{ color: inherit; }}
  a[href^="http"]::after, a[href^="mailto:"]::after {{
    content: " (" attr(href) ")"; font-size: .85em; color: #4b5563; overflow-wrap: anywhere;
  }}
  .kind {{ print-color-adjust: exact; -webkit-print-color-adjust: exact; }}
}}
"""
"""The self-contained HTML report's stylesheet (screen and print)."""

PDF_STYLESHEET = """\
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; color: #1f2933; }
h1 { font-size: 18pt; color: #111827; margin-bottom: 8px; }
h2 { font-size: 13.5pt; color: #111827; margin-top: 18px; margin-bottom: 6px; }
h3 { font-size: 11.5pt; color: #1f2937; margin-top: 12px; margin-bottom: 4px; }
p { margin-top: 4px; margin-bottom: 4px; }
li { margin-top: 1px; margin-bottom: 1px; }
a { color: #1d4ed8; }
em { color: #4b5563; }
code, pre { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; }
pre { background-color: #f3f4f6; }
table { border-collapse: collapse; border-color: #cfd6de; margin-top: 4px; margin-bottom: 10px; }
th { background-color: #e9edf2; font-weight: bold; text-align: left; }
th, td { font-size: 9pt; border-color: #cfd6de; }
"""
"""The PDF variant's stylesheet: only what QTextDocument understands."""
