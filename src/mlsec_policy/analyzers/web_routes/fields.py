"""Repository analyzer: unbounded request fields whose content reaches the model.

For every inference route (by its path, see :mod:`.scope`), the pydantic models its handler
takes as the request body are found (in any module, with their base classes; see
:mod:`.request_models`). Each text or list field without a size limit is then followed from
the handler (see :mod:`.flow`): it is reported only when its content can reach something
that processes it — the model, a tokenizer, a library call the repository does not define.
A field that is only compared, used as a key, measured, logged or echoed back (an
OpenAI-style ``model`` alias, an ``encoding_format`` switch, a ``user`` tag nobody reads) is
not, whatever its name. The finding is placed on the field and names the use it reaches.

A request object handed whole to code outside the repository (``client.send(body.dict())``)
gives no evidence about any one field, so it reports nothing: only a field whose own value
is seen reaching such code is reported.
"""

from __future__ import annotations

from collections.abc import Iterable

from mlsec_policy.analyzers.base import AnalyzerSpec, Observation, RepoContext
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams
from mlsec_policy.analyzers.web_routes.facts import WEB_FACTS
from mlsec_policy.analyzers.web_routes.flow import FlowTracker, Frame
from mlsec_policy.analyzers.web_routes.program import Program
from mlsec_policy.analyzers.web_routes.request_models import request_models, unbounded_fields
from mlsec_policy.analyzers.web_routes.scope import INFERENCE_PATH
from mlsec_policy.models import ArtifactKind, Location


def unbounded_request_fields(context: RepoContext, params: NoParams) -> Iterable[Observation]:
    """Yield one observation per unbounded request field that reaches the model."""
    del params
    program = Program(context)
    tracker = FlowTracker(program)
    reported: dict[tuple[str, int], Observation] = {}
    for path, facts in program.route_modules("route-declarations").items():
        for route in facts.routes:
            if route.function is None or not route.url or not INFERENCE_PATH.search(route.url):
                continue
            frame = Frame(path, facts.symbols, route.function)
            for parameter, model in request_models(program, path, facts.symbols, route.function):
                for field in unbounded_fields(program, model):
                    if (field.path, field.line) in reported:
                        continue
                    sink = tracker.field_uses(frame, parameter, field.name).sink
                    if sink is None:
                        continue
                    reported[(field.path, field.line)] = Observation(
                        Location(field.path, field.line),
                        message=(
                            f"the request field {field.model}.{field.name} has no maximum "
                            f"length and its content reaches {sink.what} ({sink.path}:"
                            f"{sink.line}), so a client can send input of any size to it"
                        ),
                    )
    yield from (reported[key] for key in sorted(reported))
    error = program.parse_error("request models")
    if error is not None:
        raise error


SPEC = AnalyzerSpec(
    name="unbounded-request-fields",
    description=(
        "Text and list fields of inference request models that have no size limit and "
        "whose content reaches the model."
    ),
    kinds=frozenset({ArtifactKind.PYTHON}),
    params=NO_PARAMS,
    repo=unbounded_request_fields,
    facts=(WEB_FACTS,),
)
