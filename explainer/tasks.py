from explainer.models import Submission
from explainer.services import explain_with_llm
from sparkhub.runs import execute_run


def run_llm_explanation(run_id: int) -> None:
    execute_run(Submission, run_id, explain_with_llm)
