import mlflow
import wandb


def log_samples(frame):
    # ruleid: personal-data-to-experiment-tracker
    mlflow.log_table(data=frame[["email", "prediction"]], artifact_file="samples.json")
    # ruleid: personal-data-to-experiment-tracker
    wandb.log({"errors": wandb.Table(dataframe=frame[["full_name", "label", "prediction"]])})


run = wandb.init(project="churn")


def record(customer):
    # ruleid: personal-data-to-experiment-tracker
    run.log({"customer_phone": customer.phone_number})
    # ruleid: personal-data-to-experiment-tracker
    mlflow.log_param("reviewer", customer.email)
