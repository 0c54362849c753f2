"""Architectures and training settings of the two sample models."""

TARGET_NAME = "specscope-moe-mini"
DRAFT_NAME = "specscope-moe-mini-draft"

COMMON = {
    "vocab_size": 4096,
    "bos_token_id": 1,
    "eos_token_id": 2,
    "rms_norm_eps": 1e-6,
    "rope_theta": 10000.0,
    "max_position_embeddings": 1024,
    "hidden_act": "silu",
    "attention_bias": False,
    "attention_dropout": 0.0,
    "use_sliding_window": False,
    "sliding_window": None,
    "max_window_layers": 0,
    "rope_scaling": None,
    "initializer_range": 0.02,
    "use_cache": True,
    "torch_dtype": "bfloat16",
}

TARGET = dict(COMMON, **{
    "architectures": ["Qwen3MoeForCausalLM"],
    "model_type": "qwen3_moe",
    "hidden_size": 128,
    "intermediate_size": 512,          # unused: every layer is sparse
    "moe_intermediate_size": 128,
    "num_hidden_layers": 6,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 32,
    "num_experts": 32,
    "num_experts_per_tok": 4,
    "norm_topk_prob": True,
    "decoder_sparse_step": 1,
    "mlp_only_layers": [],
    "output_router_logits": False,
    "router_aux_loss_coef": 0.002,
    "tie_word_embeddings": False,
})

DRAFT = dict(COMMON, **{
    "architectures": ["Qwen3ForCausalLM"],
    "model_type": "qwen3",
    "hidden_size": 192,
    "intermediate_size": 512,
    "num_hidden_layers": 4,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 48,
    "tie_word_embeddings": True,
})

TRAIN = {
    "target": {"config": TARGET, "name": TARGET_NAME, "tokens": 6_000_000, "batch": 16, "seq": 256,
               "lr": 2e-3, "warmup": 60, "aux_coef": 0.002},
    "draft": {"config": DRAFT, "name": DRAFT_NAME, "tokens": 4_000_000, "batch": 16, "seq": 256,
              "lr": 3e-3, "warmup": 60, "aux_coef": 0.0},
}

DOMAINS = ["sotu", "austen", "bible", "python-docs", "java"]

# The router-balance experiment (router_balance.sh): three short trainings of the target
# (1.5 M tokens each) that differ only in the router's auxiliary losses, to measure how the
# balance of expert use moves MoE-Spec's two quality/bytes targets on a model of this size.
# aux_coef: the Switch load-balancing loss; z_coef: the router z-loss (ST-MoE, as in OLMoE).
ROUTER_BALANCE = {
    "balance-aux0.002": dict(TRAIN["target"], name="balance-aux0.002", tokens=1_500_000),
    "balance-aux0.01-z": dict(TRAIN["target"], name="balance-aux0.01-z", tokens=1_500_000,
                              aux_coef=0.01, z_coef=1e-3),
    "balance-aux0.05-z": dict(TRAIN["target"], name="balance-aux0.05-z", tokens=1_500_000,
                              aux_coef=0.05, z_coef=1e-3),
}
TRAIN.update(ROUTER_BALANCE)
