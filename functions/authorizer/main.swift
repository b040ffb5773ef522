import RaidHubFunctions

FunctionCatalog.authorizer.main()
