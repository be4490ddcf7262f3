using System.Diagnostics;
using Optimus.Cli;
using Spectre.Console;

namespace Optimus.Client.Tests;

/// <summary>Runs the <c>optimus</c> command line as a test: in this process with captured output, or as a process of its own.</summary>
public static class Cli
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Task<Result> RunAsync(params string[] args) => RunAsync(terminal: false, args);

    /// <summary>With <paramref name="terminal"/>, the error console behaves as a terminal's: colours and live progress.</summary>
    public static async Task<Result> RunAsync(bool terminal, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await OptimusCli.RunAsync(args, Console(output, terminal: false), Console(error, terminal));
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>The CLI as a user runs it: <c>dotnet optimus.dll ...</c>, from the build output beside the tests.</summary>
    public static Task<Result> RunProcessAsync(params string[] args) => RunProcessAsync(new Dictionary<string, string>(), args);

    public static async Task<Result> RunProcessAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

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

    private static IAnsiConsole Console(StringWriter writer, bool terminal) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = terminal ? AnsiSupport.Yes : AnsiSupport.No,
        ColorSystem = terminal ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
        Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
    });
}
