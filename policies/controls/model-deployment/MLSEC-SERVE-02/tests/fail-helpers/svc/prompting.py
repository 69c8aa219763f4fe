def render(history, system=None):
    lines = [system or ""]
    lines.extend(turn["content"] for turn in history)
    return "\n".join(lines)


def sampling(req):
    return {"stop": req.stop, "temperature": req.temperature}
