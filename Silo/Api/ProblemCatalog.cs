using Optimus.Grains;

namespace Optimus.Silo.Api;

/// <summary>The HTTP status and title of each problem code: the one place where codes meet HTTP.</summary>
internal static class ProblemCatalog
{
    /// <summary>Code for a failure that is a bug of the service, not the caller's doing.</summary>
    public const string InternalError = "internal-error";

    public static (int Status, string Title) Describe(string code) => code switch
    {
        ProblemCodes.InvalidRequest => (400, "The request is invalid"),
        ProblemCodes.InvalidName => (400, "The name is invalid"),
        ProblemCodes.PayloadTooLarge => (413, "The payload is too large"),
        ProblemCodes.DatasetExists => (409, "The dataset already exists"),
        ProblemCodes.DatasetNotFound => (404, "No such dataset"),
        ProblemCodes.TableNotFound => (404, "No such table"),
        ProblemCodes.VersionNotFound => (404, "No such version"),
        ProblemCodes.VersionDatasetMismatch => (400, "The version belongs to another dataset"),
        ProblemCodes.InvalidTransition => (409, "The version cannot make that transition"),
        ProblemCodes.VersionNotWritable => (409, "The version takes no more entries"),
        ProblemCodes.NoActiveVersion => (404, "The dataset has no active version"),
        ProblemCodes.NoPreviousVersion => (409, "There is no previous version to roll back to"),
        ProblemCodes.KeyNotFound => (404, "No such key"),
        ProblemCodes.IntegrityMismatch => (409, "The data does not match what was declared"),
        ProblemCodes.Unavailable => (503, "The service is unavailable; retry"),
        _ => (500, "Internal error"),
    };
}
