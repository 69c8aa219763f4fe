import mlflow
import wandb

from .privacy import mask_email


def log_samples(frame, emails, accuracy):
    # ok: personal-data-to-experiment-tracker
    mlflow.log_table(data=frame[["prediction", "label"]], artifact_file="samples.json")
    # ok: personal-data-to-experiment-tracker
    mlflow.log_metric("email_open_rate", 0.31)
    # ok: personal-data-to-experiment-tracker
    mlflow.log_param("n_emails", len(emails))
    # ok: personal-data-to-experiment-tracker
    wandb.log({"masked": wandb.Table(dataframe=frame.assign(email=frame["email"].map(mask_email)))})
    # ok: personal-data-to-experiment-tracker
    wandb.log({"accuracy": accuracy})
