"""The `annotate` strategy: deterministic pre-annotation, then short id-valued questions.

A story is split into numbered sentences, its quotations found by their
marks and its people, institutions and countries listed (`preannotate`).
The model then answers short schema-constrained questions whose answers are
sentence numbers, quotation numbers and names from those lists (`questions`),
so evidence offsets are exact by construction and nothing can be invented;
`assemble` turns the answers into an `ArticleExtraction` for the usual
post-processing.
"""
