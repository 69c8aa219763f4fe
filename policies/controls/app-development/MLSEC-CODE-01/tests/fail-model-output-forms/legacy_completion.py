from openai import OpenAI

client = OpenAI()


def run(prompt):
    completion = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=prompt)
    # ruleid: eval-of-model-output
    exec(completion.choices[0].text)
