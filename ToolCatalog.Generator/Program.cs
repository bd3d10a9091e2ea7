using ToolCatalog.Generator.Cli;

// One program, two roles: the authoring CLI, and the catalog worker the AppHost starts ("worker").
return await CliApp.RunAsync(args, CliContext.FromProcess(), CancellationToken.None);
