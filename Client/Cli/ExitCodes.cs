namespace Optimus.Cli;

/// <summary>What <c>optimus</c> exits with; documented in the README and in <c>optimus --help</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The command line is wrong: an unknown command or option, a missing argument, a bad URL.</summary>
    public const int Usage = 1;

    /// <summary>The input cannot be loaded: a missing or unreadable file, an unknown format, text that is not UTF-8, damaged gzip, more malformed lines than --max-errors.</summary>
    public const int Input = 2;

    /// <summary>The service refused the request (its problem code is printed): not found, not allowed now, invalid.</summary>
    public const int Refused = 3;

    /// <summary>Saving found that the data does not match what was loaded: the version is FAILED.</summary>
    public const int VerificationFailed = 4;

    /// <summary>No server answered, even after retries (or a wait timed out).</summary>
    public const int Unavailable = 5;

    /// <summary>Anything else: the message says what (please report it).</summary>
    public const int Failed = 6;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;

    public const string Help = "Exit codes: 0 done; 1 bad command line; 2 input cannot be loaded; 3 refused by the service; " +
        "4 verification FAILED; 5 no server answered; 6 anything else; 130 interrupted.";
}
