import RaidHubFunctions

FunctionCatalog.authorizeUser.main()
