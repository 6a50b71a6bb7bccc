"""NeMo's BERT pretraining model."""
