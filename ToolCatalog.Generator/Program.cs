using ToolCatalog.Generator.Worker;

// One program, two roles: the catalog worker that the AppHost runs ("worker"), and the authoring CLI.
if (args.Length > 0 && args[0] == "worker")
{
    await WorkerHost.RunAsync(args[1..]);
    return 0;
}

Console.Error.WriteLine("usage: toolcatalog-generator worker");
return 2;
