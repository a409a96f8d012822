"""Analyse a PySpark file from the command line (for CI and pre-commit hooks)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from explainer import llm
from explainer.analysis import analyse, exit_status, narrate


class Command(BaseCommand):
    help = (
        "Explain a PySpark file without running it. Exit status: 0 clean, 1 findings at or above "
        "--fail-on, 2 when the code does not parse."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="+", help="Python file(s) of one job")
        parser.add_argument("--json", action="store_true", help="print the analysis document")
        parser.add_argument("--llm", action="store_true", help="add Gemini's explanation")
        parser.add_argument("--fail-on", choices=["high", "medium", "low"], default=None)

    def handle(self, *args, **options):
        files = {}
        for name in options["file"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file")
            try:
                files[name] = path.read_text(encoding="utf-8-sig")
            except UnicodeDecodeError as error:
                raise CommandError(f"{name}: not UTF-8 text ({error.reason})") from None
        document = analyse(files, disabled_rules=settings.EXPLAINER_DISABLED_RULES)
        if options["llm"]:
            document["llm"] = self._llm(files, document)
        if options["json"]:
            self.stdout.write(json.dumps(document, indent=2, default=str))
        else:
            self.stdout.write(narrate(document))
            if options["llm"] and document["llm"].get("summary"):
                self.stdout.write("\nGemini:\n" + document["llm"]["summary"])
            elif options["llm"]:
                self.stderr.write(f"No Gemini explanation: {document['llm']['error']}")
        code = exit_status(document, options["fail_on"])
        if code:
            sys.exit(code)

    def _llm(self, files, document) -> dict:
        if not settings.GEMINI_API_KEY:
            return {"error": "GEMINI_API_KEY is not set: offline explanation only"}
        config = llm.GeminiConfig(
            api_key=settings.GEMINI_API_KEY,
            model=settings.GEMINI_MODEL,
            base_url=settings.GEMINI_BASE_URL or None,
            timeout_seconds=settings.GEMINI_TIMEOUT_SECONDS,
        )
        try:
            return llm.explain(files, document, config).content
        except llm.LLMError as error:
            return {"error": str(error)}
