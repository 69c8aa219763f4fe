import anthropic

client = anthropic.Anthropic()


def run(task):
    message = client.messages.create(model="claude", max_tokens=512, messages=[task])
    # ruleid: eval-of-model-output
    return eval(message.content[0].text)
