package dev.quarry.config;

/** An S3 access key pair; the secret half prints as {@value Secret#REDACTED}. */
public record AccessKey(String accessKeyId, Secret secretAccessKey) {}
