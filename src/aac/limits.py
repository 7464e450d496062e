"""Every API limit the tool checks, in one place (reference/API_FACTS.md section 4).

The validator checks manifests against these before any network call; the sandbox
enforces the same numbers server-side, as the real API does.
"""

from __future__ import annotations

from aac.resources import TAGS

NAME_MAX = 256  # assistant `name`
DESCRIPTION_MAX = 512  # assistant `description`
INSTRUCTIONS_MAX = 256_000  # characters
TOOLS_MAX = 128
FUNCTION_NAME_PATTERN = r"^[a-zA-Z0-9_-]{1,64}$(?!\n)"  # $ alone matches before a final \n in Python
FUNCTION_NAME_MAX = 64
MAX_NUM_RESULTS = (1, 50)  # file_search.max_num_results
SCORE_THRESHOLD = (0.0, 1.0)
TEMPERATURE = (0.0, 2.0)
TOP_P = (0.0, 1.0)
CODE_INTERPRETER_FILES_MAX = 20
VECTOR_STORES_PER_ASSISTANT = 1
METADATA_PAIRS_MAX = 16
METADATA_KEY_MAX = 64
METADATA_VALUE_MAX = 512
USER_METADATA_PAIRS_MAX = METADATA_PAIRS_MAX - len(TAGS)  # the tool's own tags take the rest
ATTRIBUTES_MAX = 16
FILE_BYTES_MAX = 512 * 1024 * 1024
VECTOR_STORE_CREATE_FILE_IDS_MAX = 500
FILE_BATCH_MAX = 2000
CHUNK_TOKENS = (100, 4096)  # static max_chunk_size_tokens; overlap <= max / 2
EXPIRES_AFTER_DAYS = (1, 365)  # vector store, anchor last_active_at
FILE_EXPIRES_AFTER_SECONDS = (3600, 2_592_000)  # file, anchor created_at
LIST_LIMIT = (1, 100)  # assistants, vector stores, vector store files, batch files (default 20)
FILES_LIST_LIMIT = (1, 10_000)  # files (default 10,000)
REASONING_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
AGENT_NAME_MAX = 128  # Agents API beta `name` (API reference)
AGENT_TOOLS_BYTES_MAX = 3 * 1024 * 1024  # an agent's `tools` as compact UTF-8 JSON (SDK agents.py)
VAULT_NAME_BYTES_MAX = 256  # vault and credential `name`, UTF-8 bytes after trimming
AGENT_INSTRUCTIONS_MAX = 1_048_576  # an agent's `instructions` and `model`, characters (API reference: 1 MiB)
CREDENTIAL_HOSTS_MAX = 16  # environment_variable credential `networking.allowed_hosts` (SDK)

# Manifest files themselves: refused before parsing when larger, and while parsing when a
# document nests deeper or expands (through aliases) into more nodes than any real manifest.
MANIFEST_BYTES_MAX = 4 * 1024 * 1024  # a manifest may inline 256,000 characters of instructions
YAML_DEPTH_MAX = 64
YAML_NODES_MAX = 100_000  # nodes aliases may add by expansion; a billion-laughs document is refused here

# File types each tool accepts, by extension (OpenAI's file-search and code-interpreter
# "supported files" tables).
FILE_SEARCH_EXTENSIONS = frozenset(
    {
        ".c", ".cpp", ".cs", ".css", ".doc", ".docx", ".go", ".html", ".java", ".js", ".json",
        ".md", ".pdf", ".php", ".pptx", ".py", ".rb", ".sh", ".tex", ".ts", ".txt",
    }
)
CODE_INTERPRETER_EXTENSIONS = FILE_SEARCH_EXTENSIONS | frozenset(
    {".csv", ".gif", ".jpeg", ".jpg", ".pkl", ".png", ".tar", ".xlsx", ".xml", ".zip"}
)
