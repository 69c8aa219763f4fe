from transformers import AutoModelForCausalLM, pipeline

# a branch name is not a pin: the code behind "main" can change at any time
# ruleid: trust-remote-code-python
model = AutoModelForCausalLM.from_pretrained("example-org/chat-7b", trust_remote_code=True, revision="main")
# ruleid: trust-remote-code-python
chat = pipeline("text-generation", model="example-org/chat-7b", trust_remote_code=True)
