from markdown_renderer import render_markdown


def preview(text):
    # a renderer's own "safe mode" has nothing to do with Keras deserialisation
    # ok: keras-safe-mode-off
    return render_markdown(text, safe_mode=False)


def restore_layout(blob, loaders):
    # a widget library's loader whose name only ends like Keras' "load_model": it reads a
    # page layout, and its safe mode guards HTML, not Python code
    # ok: keras-safe-mode-off
    return loaders.page_reload_model(blob, safe_mode=False)
