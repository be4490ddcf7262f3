using System.Diagnostics;

namespace Optimus.Tests;

/// <summary>
/// How a test or benchmark starts the silo from a directory: the build output holds <c>Optimus.Silo.dll</c>, run with
/// <c>dotnet</c>; a published silo (<c>dotnet publish -r linux-x64</c>, compiled ahead of time) is the native
/// executable <c>Optimus.Silo</c> alone.
/// </summary>
internal static class SiloLaunch
{
    /// <summary>
    /// The directory a variable names — the process tests read <c>OPTIMUS_TEST_SILO</c>, the benchmarks
    /// <c>OPTIMUS_BENCH_SILO</c> — else the build output beside the caller.
    /// </summary>
    public static string Directory(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } published ? published : AppContext.BaseDirectory;

    /// <summary>A start of the silo in <paramref name="directory"/>, its output redirected, before any arguments.</summary>
    public static ProcessStartInfo StartInfo(string directory)
    {
        var library = Path.Combine(directory, "Optimus.Silo.dll");
        var start = File.Exists(library)
            ? new ProcessStartInfo("dotnet") { ArgumentList = { library } }
            : new ProcessStartInfo(Path.Combine(directory, "Optimus.Silo"));
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        return start;
    }
}
