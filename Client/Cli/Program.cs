using Optimus.Cli;
using Spectre.Console;

// Colours and live progress only on a terminal; a pipe or a log gets plain text.
var output = AnsiConsole.Create(new AnsiConsoleSettings
{
    Out = new AnsiConsoleOutput(Console.Out),
    Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
    Interactive = Console.IsOutputRedirected ? InteractionSupport.No : InteractionSupport.Detect,
});
var error = AnsiConsole.Create(new AnsiConsoleSettings
{
    Out = new AnsiConsoleOutput(Console.Error),
    Ansi = Console.IsErrorRedirected ? AnsiSupport.No : AnsiSupport.Detect,
    Interactive = Console.IsErrorRedirected ? InteractionSupport.No : InteractionSupport.Detect,
});
return await OptimusCli.RunAsync(args, output, error);
