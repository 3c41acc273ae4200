"""One exception root. Every message says what went wrong and what to do.

ExtractorError
├── InputError          bad corpus file, bad path, bad option
├── ConfigError         no endpoint, missing extra, bad weights
├── PromptError         missing or malformed prompt template
├── LLMError            the model call failed after retries/re-asks
│   └── TransportError  network, timeout, 5xx, 429 (retried first)
├── RunStoppedError     the run is stopping (Ctrl-C, a budget): the article is not done
├── AnswerPendingError  a provider batch file has no answer for a call yet (its article waits a round)
├── LocalServerError    the embedded llama.cpp server would not start
│   └── SchemaNotEnforcedError  the server ignores the JSON schema
└── GoldError           a gold annotation file is invalid
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schemas import Usage


class ExtractorError(Exception):
    """Root of every error extractor raises on purpose."""


class InputError(ExtractorError):
    pass


class ConfigError(ExtractorError):
    pass


class PromptError(ExtractorError):
    pass


class LLMError(ExtractorError):
    """`usage` counts the tokens the failed call spent (every attempt), so a failure is not free in the report."""

    def __init__(self, message: str, usage: Usage | None = None) -> None:
        from schemas import Usage  # here, not at the top: `extractor --help` imports this module, not pydantic

        super().__init__(message)
        self.usage = usage if usage is not None else Usage()


class TransportError(LLMError):
    pass


class RunStoppedError(ExtractorError):
    pass


class AnswerPendingError(ExtractorError):
    """A call has no answer in the batch results yet: it goes into the next batch file; the article is pending."""


class LocalServerError(ExtractorError):
    pass


class SchemaNotEnforcedError(LocalServerError):
    pass


class GoldError(ExtractorError):
    pass
