from datasets import load_dataset
from transformers import AutoModelForSequenceClassification, Trainer, TrainingArguments

# ruleid: training-data-loaded
reviews = load_dataset("imdb", split="train")
model = AutoModelForSequenceClassification.from_pretrained("distilbert-base-uncased")
trainer = Trainer(model=model, args=TrainingArguments("out"), train_dataset=reviews)
trainer.train()
