using Vifibnet.Cli;

// The CLI is thin: pick the command, let it parse, call Core, print, return 0 ok / 1 error / 2 usage.
return await CommandLine.RunAsync(args, Console.Out, Console.Error);
