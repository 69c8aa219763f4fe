from markdown_renderer import render_markdown


def preview(text):
    # a renderer's own "safe mode" has nothing to do with Keras deserialisation
    # ok: keras-safe-mode-off
    return render_markdown(text, safe_mode=False)
