r"""What a container's start command says it runs: a server that answers requests, or a workspace.

One table for every check that asks whether an image or a service serves requests (a health
check it needs, a tool port it must not publish, an incident plan it needs): the Dockerfile
and compose analyzers read start commands (``CMD``/``ENTRYPOINT``, ``command:``) against
these expressions unless a check passes its own.

- :data:`SERVERS`: known model and web servers (uvicorn, gunicorn, torchserve, Triton, vLLM,
  TGI, MLflow and BentoML serving, Ray Serve, Streamlit, ``python -m http.server``, a
  ``…serve(r).py`` script);
- :data:`INTERACTIVE`: a container kept alive for people to work in (``sleep infinity``,
  ``tail -f /dev/null``, sshd, Jupyter, code-server, tmux, a bare shell).

Both are searched case-insensitively.
"""

from __future__ import annotations

SERVERS = (
    r"\b(uvicorn|gunicorn|hypercorn|waitress-serve|flask\s+run|torchserve|tritonserver"
    r"|mlflow\s+(models\s+serve|server)|bentoml\s+serve|text-generation-launcher|vllm\s+serve"
    r"|vllm\.entrypoints|serve\s+run|streamlit\s+run|python[0-9.]*\s+-m\s+http\.server"
    r"|python[0-9.]*\s+\S*serv(e|er)\S*\.py)\b"
)
"""A start command that runs a server answering requests."""

INTERACTIVE = (
    r"(^|[\s/])(sleep\s+(infinity|inf)\b|tail\s+-f\s+/dev/null\b|sshd\b"
    r"|jupyter(-lab|-notebook)?(\s|$)|start-notebook\.sh|code-server\b|tmux\b)"
    r"|(^|\s)((/usr)?/bin/)?(ba|z|da)?sh$"
)
"""A start command that keeps a container alive for people to work in, not a service."""
