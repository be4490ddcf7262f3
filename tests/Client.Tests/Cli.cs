using System.Diagnostics;
using Optimus.Cli;
using Spectre.Console;

namespace Optimus.Client.Tests;

/// <summary>Runs the <c>optimus</c> command line as a test: in this process with captured output, or as a process of its own.</summary>
public static class Cli
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await OptimusCli.RunAsync(args, Console(output), Console(error));
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>The CLI as a user runs it: <c>dotnet optimus.dll ...</c>, from the build output beside the tests.</summary>
    public static async Task<Result> RunProcessAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "optimus.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("optimus did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Result(process.ExitCode, await output, await error);
    }

    private static IAnsiConsole Console(StringWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
    });
}
