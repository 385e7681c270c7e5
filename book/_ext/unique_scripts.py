"""Sphinx extension: each script only once per page.

sphinx-thebe (loaded by Jupyter Book even when live code is off) registers its inline
configuration script twice, so every page declared ``const THEBE_JS_URL`` twice: a
JavaScript error in the browser. MathJax and the toggle-button selector were also
included twice. This
keeps the first occurrence of every script, identified by its file or inline body.
"""


def _unique(app, pagename, templatename, context, doctree):
    seen, kept = set(), []
    for script in context.get("script_files", []):
        filename = getattr(script, "filename", script)
        key = filename or getattr(script, "attributes", {}).get("body", "")
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    context["script_files"] = kept


def setup(app):
    app.connect("html-page-context", _unique, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
