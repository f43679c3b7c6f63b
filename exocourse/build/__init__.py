"""What the course's authors run to build it: marked-block rendering, the glossary lint, the pre/post-test item
bank, the learner edition and the static edition."""
