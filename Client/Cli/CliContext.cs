using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Optimus.Cli.Input;
using Optimus.Client;
using Optimus.Grains;
using Spectre.Console;

namespace Optimus.Cli;

/// <summary>
/// What every command shares: where output goes (results to <see cref="Out"/>, progress and problems to
/// <see cref="Error"/>), the global options, and one place that turns a failure into its message and exit code.
/// </summary>
internal sealed class CliContext(IAnsiConsole output, IAnsiConsole error)
{
    public IAnsiConsole Out { get; } = output;

    public IAnsiConsole Error { get; } = error;

    public Option<string?> Server { get; } = new("--server", "-s")
    {
        Description = $"The Optimus server(s): a URL, or several separated by commas (default: ${OptimusClientOptions.ServerVariable}, else {OptimusClientOptions.DefaultServer})",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print results as JSON, for scripts",
        Recursive = true,
    };

    /// <summary>Prints a result: as the API's JSON with <c>--json</c>, else as <paramref name="render"/> draws it.</summary>
    public void Print<T>(ParseResult parse, T value, JsonTypeInfo<T> type, Action<IAnsiConsole, T> render)
    {
        if (parse.GetValue(Json))
        {
            Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(value, type));
        }
        else
        {
            render(Out, value);
        }
    }

    /// <summary>Prints a listing: one JSON document per line with <c>--json</c>, else as <paramref name="render"/> draws it.</summary>
    public void PrintAll<T>(ParseResult parse, IReadOnlyList<T> values, JsonTypeInfo<T> type, Action<IAnsiConsole, IReadOnlyList<T>> render)
    {
        if (parse.GetValue(Json))
        {
            foreach (var value in values)
            {
                Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(value, type));
            }
        }
        else
        {
            render(Out, values);
        }
    }

    /// <summary>Runs a command's work with a client of the chosen servers, and maps what goes wrong to an exit code.</summary>
    public Func<ParseResult, CancellationToken, Task<int>> Run(Func<OptimusClient, ParseResult, CancellationToken, Task<int>> work) => async (parse, cancellationToken) =>
    {
        try
        {
            // A command reads a key at most: connecting to a gateway, which pays off over many reads, would cost more.
            var options = new OptimusClientOptions { ReadThroughGateway = false };
            foreach (var server in parse.GetValue(Server) is { } text ? OptimusClientOptions.ParseServers(text) : OptimusClientOptions.ServersFromEnvironment())
            {
                options.Servers.Add(server);
            }

            using var client = new OptimusClient(options);
            return await work(client, parse, cancellationToken);
        }
        catch (Exception exception)
        {
            return Report(exception, cancellationToken);
        }
    };

    /// <summary>Says what went wrong, on the error console, and returns the exit code for it.</summary>
    public int Report(Exception exception, CancellationToken cancellationToken)
    {
        (int code, string what) = exception switch
        {
            OperationCanceledException when cancellationToken.IsCancellationRequested => (ExitCodes.Cancelled, "interrupted"),
            InputRejectedException => (ExitCodes.Input, exception.Message),
            VersionFailedException failed => (ExitCodes.VerificationFailed, failed.Message),
            OptimusException { Code: ProblemCodes.Unavailable } unreachable => (ExitCodes.Unavailable, $"{unreachable.Message} [{unreachable.Code}]"),
            OptimusException refused => (ExitCodes.Refused, $"{refused.Message} [{refused.Code}]"),
            TimeoutException => (ExitCodes.Unavailable, exception.Message),
            IOException or UnauthorizedAccessException => (ExitCodes.Input, exception.Message),
            FormatException or ArgumentException => (ExitCodes.Usage, exception.Message),
            _ => (ExitCodes.Failed, $"{exception.GetType().Name}: {exception.Message}"),
        };
        Problem(what);
        return code;
    }

    /// <summary>Writes "error: ..." on the error console.</summary>
    public void Problem(string text) => Write("[red]error:[/] ", "error: ", text, "");

    /// <summary>Writes a side note (what was read from where, what was discarded) on the error console.</summary>
    public void Note(string text) => Write("[grey]", "", text, "[/]");

    // Markup on a terminal; elsewhere plain text, never wrapped, so that a log keeps each message on one line.
    private void Write(string markupBefore, string plainBefore, string text, string markupAfter)
    {
        if (Error.Profile.Capabilities.Ansi)
        {
            Error.MarkupLine(markupBefore + Markup.Escape(text) + markupAfter);
        }
        else
        {
            Error.Profile.Out.Writer.WriteLine(plainBefore + text);
        }
    }
}
