import datasets
import trl


def main(data_path: str, exported: str) -> None:
    # ruleid: training-data-loaded
    conversations = datasets.load_dataset("json", data_files=data_path, split="train")
    conversations.to_json(exported)
    trainer = trl.SFTTrainer(model="gpt2", train_dataset=conversations)
    trainer.train()
