"""Demo data for newcomers and demos. The production configuration refuses all of it."""
