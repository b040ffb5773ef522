import RaidHubFunctions

FunctionCatalog.whoami.main()
