//! Evaluation of the engine against published expert decisions.
