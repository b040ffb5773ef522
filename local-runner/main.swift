import Foundation
import RaidHubLocalRunner

exit(RunnerCommand.main(Array(CommandLine.arguments.dropFirst())))
