"""What instructors and CE programs run: completion and certificates, the evaluation summary, knowledge gain,
item analysis and the Angoff worksheet, the CE packet, the demo class, backups and deleting a learner's data."""
