"""Configuration of the retention rules, from environment variables like all configuration."""

import os


def from_environment() -> dict:
    return {
        "CRM_RETENTION_YEARS_AFTER_LAST_ROLE": int(
            os.environ.get("CRM_RETENTION_YEARS_AFTER_LAST_ROLE", "2")
        ),
        "CRM_RETENTION_YEARS_WITHOUT_ROLE": int(
            os.environ.get("CRM_RETENTION_YEARS_WITHOUT_ROLE", "2")
        ),
    }
