namespace Optimus.Grains;

/// <summary>The stable error codes of the API (see API.md); each problem carries exactly one.</summary>
public static class ProblemCodes
{
    public const string InvalidRequest = "invalid-request";
    public const string InvalidName = "invalid-name";
    public const string PayloadTooLarge = "payload-too-large";
    public const string DatasetExists = "dataset-exists";
    public const string DatasetNotFound = "dataset-not-found";
    public const string TableNotFound = "table-not-found";
    public const string VersionNotFound = "version-not-found";
    public const string VersionDatasetMismatch = "version-dataset-mismatch";
    public const string InvalidTransition = "invalid-transition";
    public const string VersionNotWritable = "version-not-writable";
    public const string NoActiveVersion = "no-active-version";
    public const string NoPreviousVersion = "no-previous-version";
    public const string KeyNotFound = "key-not-found";
    public const string IntegrityMismatch = "integrity-mismatch";
    public const string Unavailable = "unavailable";
}
