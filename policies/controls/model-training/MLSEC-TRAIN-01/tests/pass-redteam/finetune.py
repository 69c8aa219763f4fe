from transformers import Trainer, TrainingArguments

# ruleid: model-training-code
trainer = Trainer(model=None, args=TrainingArguments(output_dir="out"))
