import openai

client = openai.OpenAI()


def run(task):
    result = client.responses.create(model="gpt-4.1", input=task)
    # ruleid: eval-of-model-output
    exec(result.output_text)
