import SeedanceCLI

await SeedanceCommand.runMain()
